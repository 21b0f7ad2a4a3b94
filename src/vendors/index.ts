import type { VendorDefinition } from '../core/types.js';
import { rackspace } from './rackspace/index.js';
import { opsmanager } from './opsmanager/index.js';
import { prefactor } from './prefactor/index.js';

/**
 * Every vendor the emulator knows, in the order they are listed by `/__emulator/health`.
 * Adding a vendor is a new folder next to this file and one line here.
 */
export const ALL_VENDORS: readonly VendorDefinition[] = [rackspace, prefactor, opsmanager];
