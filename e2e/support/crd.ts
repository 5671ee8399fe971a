import { readFile } from 'node:fs/promises';
import * as k8s from '@kubernetes/client-node';
import { load } from 'js-yaml';
import { GROUP, PLURAL } from '../../src/apis/helm.fluxcd.io/v1/helmrelease.ts';
import { eventually } from './cluster.ts';

const CRD_FILE = new URL('../../deploy/crds/helmreleases.helm.fluxcd.io.yaml', import.meta.url);
const CRD_NAME = `${PLURAL}.${GROUP}`;

// Server-side applies the CRD file (other test files may apply it too) and waits until it is Established.
export async function applyCrd(kc: k8s.KubeConfig): Promise<k8s.V1CustomResourceDefinition> {
  const ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
  const body = load(await readFile(CRD_FILE, 'utf8')) as k8s.V1CustomResourceDefinition;
  await ext.patchCustomResourceDefinition(
    { name: CRD_NAME, body, fieldManager: 'capstan-e2e', force: true },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.ServerSideApply),
  );
  return eventually('the HelmRelease CRD to be Established', async () => {
    const crd = await ext.readCustomResourceDefinition({ name: CRD_NAME });
    return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ? crd : undefined;
  });
}

