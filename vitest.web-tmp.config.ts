import { defineConfig } from 'vitest/config';
export default defineConfig({ test: { include: ['tests/web/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 180_000, maxWorkers: 2 } });
