import { MemoryStore } from '../../../src/store/memory';
import { describeCorrelationContract, describeStoreContract } from './store-contract';

describeStoreContract('memory', (now) => new MemoryStore(now));
describeCorrelationContract('memory', () => new MemoryStore());
