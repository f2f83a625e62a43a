/** Entry point of the bundled action: run the pipeline. */
import { run } from './main.js';

void run();
