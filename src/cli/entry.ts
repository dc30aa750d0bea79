// Process entry for the CLI (bin/scylla.js loads the built copy of this module's `main`).
import { main } from './main.js';

await main(process.argv);
