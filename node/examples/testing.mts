// Uses every name of ghpackages/testing; type-checked by scripts/test-node
// with `tsc --noEmit --strict`.

import { Emulator, type ClockAdvance, type EmulatorOptions, type Faults, type FixtureSource } from 'ghpackages/testing'
import type { Client, PackageVersion } from 'ghpackages'

const fixture: FixtureSource = {
  users: [{ login: 'carol' }],
  tokens: [{ token: 'ghp_carol', user: 'carol', scopes: ['read:packages'] }],
}
const faults: Faults = { errorRate: 0.3, errorStatuses: [502], seed: 1 }
const options: EmulatorOptions = { fixture, limits: true, timeFactor: 60, faults }

export async function tour(): Promise<void> {
  await using emulator = await Emulator.start(options)
  const url: string = emulator.url
  const token: string | null = emulator.defaultToken
  const client: Client = emulator.client({ token: token ?? 'ghp_carol' })
  const by: ClockAdvance = { days: 31 }
  emulator.advanceClock(by)
  const now: Date = emulator.now()
  emulator.setFaults()
  await emulator.load({ users: [{ login: 'dave' }] })
  emulator.addPackage('carol', 'npm', 'tiny', { versions: [{ name: '1.0.0', created_at: now }] })
  const versions: PackageVersion[] = emulator.versions('carol', 'npm', 'tiny', { state: 'deleted' })
  console.log(url, client.baseUrl, versions.length)
  await emulator.stop()
}
