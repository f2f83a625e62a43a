/** Entry point of the bundled action: heap settings first, then the pipeline. */
import './heap';
import { run } from './main';

void run();
