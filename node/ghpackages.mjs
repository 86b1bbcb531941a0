// ES module entry point: the same objects as the CommonJS one.
import ghpackages from './ghpackages.cjs'

export const { Client, Owner, GitHubPackagesError, errorCodes, packageTypes, planCleanup } = ghpackages
