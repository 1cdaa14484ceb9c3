import { memoryStorage } from '../../storage/memory-storage.js';
import { storageContract } from './storage-contract.js';

storageContract('memoryStorage', async () => ({
  storage: memoryStorage(),
  cleanup: async () => undefined,
}));
