// The package version, from the package.json that package-root.ts has read.
import { PACKAGE_VERSION } from './package-root.js';

/** Scylla's version (package.json). */
export const VERSION: string = PACKAGE_VERSION;
