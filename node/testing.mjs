// ES module entry point of ghpackages/testing: the same class as the CommonJS one.
import testing from './testing.cjs'

export const { Emulator } = testing
