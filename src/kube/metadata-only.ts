import type * as k8s from '@kubernetes/client-node';

// What the API server sends instead of whole objects when asked for metadata only (as client-go's metadata
// client asks): a list of PartialObjectMetadata, and PartialObjectMetadata in watch events. No `data`, no `spec`.
export const METADATA_LIST_ACCEPT = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';
export const METADATA_ACCEPT = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';

// A view of `kc` whose every request (generated API clients and Watch alike) asks for metadata only: the
// Accept header is set after authentication, the list form unless the URL is a watch.
export function metadataOnly(kc: k8s.KubeConfig): k8s.KubeConfig {
  const view = Object.create(kc) as k8s.KubeConfig;
  view.applySecurityAuthentication = async (context) => {
    await kc.applySecurityAuthentication(context);
    const watching = new URL(context.getUrl()).searchParams.get('watch') === 'true';
    context.setHeaderParam('Accept', watching ? METADATA_ACCEPT : METADATA_LIST_ACCEPT);
  };
  return view;
}

// The identity of an object and no more (name, namespace, uid, resourceVersion, labels): what a cache of
// "which objects exist, at which version" keeps, so annotations such as kubectl's last-applied-configuration
// (which holds a Secret's data) are not kept either.
export function identityOf<T extends k8s.KubernetesObject>(obj: T): T {
  const { name, namespace, uid, resourceVersion, labels } = obj.metadata ?? {};
  return { apiVersion: obj.apiVersion, kind: obj.kind, metadata: { name, namespace, uid, resourceVersion, labels } } as T;
}
