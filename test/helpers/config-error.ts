// The ConfigError a call throws (any other outcome fails the test).
import { ConfigError } from '../../src/errors.js';

export function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}
