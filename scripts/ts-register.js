/**
 * Lets plain `node` run the TypeScript demo and the test fixtures it reuses:
 *
 *   node --import ./scripts/ts-register.js scripts/demo.ts
 *
 * Registers the module hooks of scripts/ts-hooks.js (they run in a loader thread of their own).
 */
import { register } from 'node:module';

register('./ts-hooks.js', import.meta.url);
