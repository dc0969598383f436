/** The CLI with the throwaway method registered first (run as `node --import tsx cli-with-throwaway.ts <command> …`). */
import { registerMethod } from '../../src/guidance/registry';
import { FIXED_LABEL_METHOD } from './throwaway-method';

registerMethod(FIXED_LABEL_METHOD);
// The CLI registers its commands (and their --method choices and flags) when it is loaded, so after the registration.
require('../../src/cli/main');
