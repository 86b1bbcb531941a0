// Deletes the untagged versions of a container package that are older than
// 30 days: `node cleanup-untagged.mjs ORG PACKAGE` (token from GITHUB_TOKEN).
import { pathToFileURL } from 'node:url'
import { Client } from 'ghpackages'

const DAY_MS = 24 * 60 * 60 * 1000

/** Deletes them and returns their ids. */
export async function deleteUntagged(client, org, pkg, { olderThanDays = 30, now = new Date() } = {}) {
  const cutoff = now.getTime() - olderThanDays * DAY_MS
  const owner = client.org(org)
  const deleted = []
  // The whole list first: deleting while paging would shift the pages.
  for (const version of await owner.listAllPackageVersions('container', pkg)) {
    const tags = version.metadata?.container?.tags ?? []
    if (tags.length === 0 && Date.parse(version.created_at) < cutoff) {
      await owner.deletePackageVersion('container', pkg, version.id)
      deleted.push(version.id)
    }
  }
  return deleted
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [org, pkg] = process.argv.slice(2)
  for (const id of await deleteUntagged(new Client(), org, pkg)) console.log('deleted', id)
}
