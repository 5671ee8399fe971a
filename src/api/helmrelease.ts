// temporary: removed once in-flight suites move; the HelmRelease API types live in src/apis/helm.fluxcd.io/v1/.
export * from '../apis/helm.fluxcd.io/v1/helmrelease.ts';
