'use strict';
/**
 * Lets plain `node` require the TypeScript fixtures (the demo reuses the test servers). Each file
 * is transpiled on load with TypeScript's own transpileModule: no type check, no output on disk.
 */
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const ts = require('typescript');

const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: false };

require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), { compilerOptions, fileName: filename });
  module._compile(outputText, filename);
};

// Sources import with a .js extension (ready for ES modules): resolve `./x.js` to `./x.ts` when only that exists.
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  if (/^\.{1,2}\/.*\.js$/.test(request) && parent?.filename) {
    const asTs = path.resolve(path.dirname(parent.filename), request.replace(/\.js$/, '.ts'));
    if (fs.existsSync(asTs)) return asTs;
  }
  return resolveFilename.call(this, request, parent, ...rest);
};
