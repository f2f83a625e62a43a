'use strict';
/**
 * Lets plain `node` require the TypeScript fixtures (the demo reuses the test servers). Each file
 * is transpiled on load with TypeScript's own transpileModule: no type check, no output on disk.
 */
const fs = require('node:fs');
const ts = require('typescript');

const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: false };

require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), { compilerOptions, fileName: filename });
  module._compile(outputText, filename);
};
