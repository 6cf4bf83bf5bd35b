"""Which built-in Kubernetes kinds are namespaced: the table kyaml and the catalog's SDK use.

Kinds not listed count as namespaced only when they carry ``metadata.namespace`` (the SDK
rule). Data only; no I/O.
"""

from __future__ import annotations

from porch.functions import objects
from porch.krm.yamlview import Map

NAMESPACED: frozenset[tuple[str, str]] = frozenset(
    {
        ("apps/v1", "ControllerRevision"),
        ("apps/v1", "DaemonSet"),
        ("apps/v1", "Deployment"),
        ("apps/v1", "ReplicaSet"),
        ("apps/v1", "StatefulSet"),
        ("autoscaling/v1", "HorizontalPodAutoscaler"),
        ("autoscaling/v1", "Scale"),
        ("autoscaling/v2beta1", "HorizontalPodAutoscaler"),
        ("autoscaling/v2beta2", "HorizontalPodAutoscaler"),
        ("batch/v1", "CronJob"),
        ("batch/v1", "Job"),
        ("batch/v1beta1", "CronJob"),
        ("coordination.k8s.io/v1", "Lease"),
        ("coordination.k8s.io/v1beta1", "Lease"),
        ("discovery.k8s.io/v1", "EndpointSlice"),
        ("discovery.k8s.io/v1beta1", "EndpointSlice"),
        ("events.k8s.io/v1", "Event"),
        ("events.k8s.io/v1beta1", "Event"),
        ("extensions/v1beta1", "Ingress"),
        ("networking.k8s.io/v1", "Ingress"),
        ("networking.k8s.io/v1", "NetworkPolicy"),
        ("networking.k8s.io/v1beta1", "Ingress"),
        ("policy/v1", "PodDisruptionBudget"),
        ("policy/v1beta1", "PodDisruptionBudget"),
        ("rbac.authorization.k8s.io/v1", "Role"),
        ("rbac.authorization.k8s.io/v1", "RoleBinding"),
        ("rbac.authorization.k8s.io/v1beta1", "Role"),
        ("rbac.authorization.k8s.io/v1beta1", "RoleBinding"),
        ("storage.k8s.io/v1beta1", "CSIStorageCapacity"),
        ("v1", "ConfigMap"),
        ("v1", "Endpoints"),
        ("v1", "Event"),
        ("v1", "LimitRange"),
        ("v1", "PersistentVolumeClaim"),
        ("v1", "Pod"),
        ("v1", "PodAttachOptions"),
        ("v1", "PodExecOptions"),
        ("v1", "PodPortForwardOptions"),
        ("v1", "PodProxyOptions"),
        ("v1", "PodTemplate"),
        ("v1", "ReplicationController"),
        ("v1", "ResourceQuota"),
        ("v1", "Secret"),
        ("v1", "Service"),
        ("v1", "ServiceAccount"),
        ("v1", "ServiceProxyOptions"),
    }
)

CLUSTER_SCOPED: frozenset[tuple[str, str]] = frozenset(
    {
        ("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration"),
        ("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration"),
        ("admissionregistration.k8s.io/v1beta1", "MutatingWebhookConfiguration"),
        ("admissionregistration.k8s.io/v1beta1", "ValidatingWebhookConfiguration"),
        ("apiextensions.k8s.io/v1", "CustomResourceDefinition"),
        ("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition"),
        ("apiregistration.k8s.io/v1", "APIService"),
        ("apiregistration.k8s.io/v1beta1", "APIService"),
        ("certificates.k8s.io/v1", "CertificateSigningRequest"),
        ("certificates.k8s.io/v1beta1", "CertificateSigningRequest"),
        ("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema"),
        ("flowcontrol.apiserver.k8s.io/v1beta1", "PriorityLevelConfiguration"),
        ("networking.k8s.io/v1", "IngressClass"),
        ("networking.k8s.io/v1beta1", "IngressClass"),
        ("node.k8s.io/v1", "RuntimeClass"),
        ("node.k8s.io/v1beta1", "RuntimeClass"),
        ("policy/v1beta1", "PodSecurityPolicy"),
        ("rbac.authorization.k8s.io/v1", "ClusterRole"),
        ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"),
        ("rbac.authorization.k8s.io/v1beta1", "ClusterRole"),
        ("rbac.authorization.k8s.io/v1beta1", "ClusterRoleBinding"),
        ("scheduling.k8s.io/v1", "PriorityClass"),
        ("scheduling.k8s.io/v1beta1", "PriorityClass"),
        ("storage.k8s.io/v1", "CSIDriver"),
        ("storage.k8s.io/v1", "CSINode"),
        ("storage.k8s.io/v1", "StorageClass"),
        ("storage.k8s.io/v1", "VolumeAttachment"),
        ("storage.k8s.io/v1beta1", "CSIDriver"),
        ("storage.k8s.io/v1beta1", "CSINode"),
        ("storage.k8s.io/v1beta1", "StorageClass"),
        ("storage.k8s.io/v1beta1", "VolumeAttachment"),
        ("v1", "ComponentStatus"),
        ("v1", "Namespace"),
        ("v1", "Node"),
        ("v1", "NodeProxyOptions"),
        ("v1", "PersistentVolume"),
    }
)


def is_namespace_scoped(item: Map) -> bool:
    key = (objects.api_version(item), objects.kind(item))
    if key in NAMESPACED:
        return True
    if key in CLUSTER_SCOPED:
        return False
    return objects.has_namespace(item)


__all__ = ["CLUSTER_SCOPED", "NAMESPACED", "is_namespace_scoped"]
