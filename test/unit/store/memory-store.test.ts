import { MemoryStore } from '../../../src/store/memory';
import { describeStoreContract } from './store-contract';

describeStoreContract('memory', (now) => new MemoryStore(now));
