// Preloaded (`node --expose-gc -r`) into the bot by the memory bench only: SIGUSR2 runs a full garbage
// collection, so the resident memory read after it is what the bot really keeps, not garbage not yet
// collected. Not part of the bot.
const collect = (globalThis as { gc?: () => void }).gc;
if (collect) process.on('SIGUSR2', () => collect());
