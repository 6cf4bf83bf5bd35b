"""Merge-relevant facts from the Kubernetes v1.21.2 OpenAPI that kyaml embeds.

Generated once from kustomize's ``kubernetes-openapi-union-v1.21.2.bundle-v1.json.gz``
(Kubernetes API definitions, Apache-2.0): for every definition reachable from a resource
root, the properties that are objects, maps or arrays, with the list patch strategy and
merge keys. Primitive properties are left out (they never affect a merge). Data only;
no logic, no I/O.
"""

# ruff: noqa: E501  (generated data: definition names are longer than a line)

from typing import Any

# "apiVersion|kind" -> definition name
ROOTS: dict[str, str] = {
    "admission.k8s.io/v1beta1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "admission.k8s.io/v1beta1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "admission.k8s.io/v1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "admission.k8s.io/v1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "admissionregistration.k8s.io/v1beta1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "admissionregistration.k8s.io/v1beta1|MutatingWebhookConfiguration": "api.admissionregistration.v1beta1.MutatingWebhookConfiguration",
    "admissionregistration.k8s.io/v1beta1|MutatingWebhookConfigurationList": "api.admissionregistration.v1beta1.MutatingWebhookConfigurationList",
    "admissionregistration.k8s.io/v1beta1|ValidatingWebhookConfiguration": "api.admissionregistration.v1beta1.ValidatingWebhookConfiguration",
    "admissionregistration.k8s.io/v1beta1|ValidatingWebhookConfigurationList": "api.admissionregistration.v1beta1.ValidatingWebhookConfigurationList",
    "admissionregistration.k8s.io/v1beta1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "admissionregistration.k8s.io/v1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "admissionregistration.k8s.io/v1|MutatingWebhookConfiguration": "api.admissionregistration.v1.MutatingWebhookConfiguration",
    "admissionregistration.k8s.io/v1|MutatingWebhookConfigurationList": "api.admissionregistration.v1.MutatingWebhookConfigurationList",
    "admissionregistration.k8s.io/v1|ValidatingWebhookConfiguration": "api.admissionregistration.v1.ValidatingWebhookConfiguration",
    "admissionregistration.k8s.io/v1|ValidatingWebhookConfigurationList": "api.admissionregistration.v1.ValidatingWebhookConfigurationList",
    "admissionregistration.k8s.io/v1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "apiextensions.k8s.io/v1beta1|CustomResourceDefinition": "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.CustomResourceDefinition",
    "apiextensions.k8s.io/v1beta1|CustomResourceDefinitionList": "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.CustomResourceDefinitionList",
    "apiextensions.k8s.io/v1beta1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "apiextensions.k8s.io/v1beta1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "apiextensions.k8s.io/v1|CustomResourceDefinition": "apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition",
    "apiextensions.k8s.io/v1|CustomResourceDefinitionList": "apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionList",
    "apiextensions.k8s.io/v1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "apiextensions.k8s.io/v1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "apiregistration.k8s.io/v1beta1|APIService": "kube-aggregator.pkg.apis.apiregistration.v1beta1.APIService",
    "apiregistration.k8s.io/v1beta1|APIServiceList": "kube-aggregator.pkg.apis.apiregistration.v1beta1.APIServiceList",
    "apiregistration.k8s.io/v1beta1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "apiregistration.k8s.io/v1beta1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "apiregistration.k8s.io/v1|APIService": "kube-aggregator.pkg.apis.apiregistration.v1.APIService",
    "apiregistration.k8s.io/v1|APIServiceList": "kube-aggregator.pkg.apis.apiregistration.v1.APIServiceList",
    "apiregistration.k8s.io/v1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "apiregistration.k8s.io/v1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "apps/v1beta1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "apps/v1beta1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "apps/v1beta2|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "apps/v1beta2|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "apps/v1|ControllerRevision": "api.apps.v1.ControllerRevision",
    "apps/v1|ControllerRevisionList": "api.apps.v1.ControllerRevisionList",
    "apps/v1|DaemonSet": "api.apps.v1.DaemonSet",
    "apps/v1|DaemonSetList": "api.apps.v1.DaemonSetList",
    "apps/v1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "apps/v1|Deployment": "api.apps.v1.Deployment",
    "apps/v1|DeploymentList": "api.apps.v1.DeploymentList",
    "apps/v1|ReplicaSet": "api.apps.v1.ReplicaSet",
    "apps/v1|ReplicaSetList": "api.apps.v1.ReplicaSetList",
    "apps/v1|StatefulSet": "api.apps.v1.StatefulSet",
    "apps/v1|StatefulSetList": "api.apps.v1.StatefulSetList",
    "apps/v1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "authentication.k8s.io/v1beta1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "authentication.k8s.io/v1beta1|TokenReview": "api.authentication.v1beta1.TokenReview",
    "authentication.k8s.io/v1beta1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "authentication.k8s.io/v1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "authentication.k8s.io/v1|TokenRequest": "api.authentication.v1.TokenRequest",
    "authentication.k8s.io/v1|TokenReview": "api.authentication.v1.TokenReview",
    "authentication.k8s.io/v1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "authorization.k8s.io/v1beta1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "authorization.k8s.io/v1beta1|LocalSubjectAccessReview": "api.authorization.v1beta1.LocalSubjectAccessReview",
    "authorization.k8s.io/v1beta1|SelfSubjectAccessReview": "api.authorization.v1beta1.SelfSubjectAccessReview",
    "authorization.k8s.io/v1beta1|SelfSubjectRulesReview": "api.authorization.v1beta1.SelfSubjectRulesReview",
    "authorization.k8s.io/v1beta1|SubjectAccessReview": "api.authorization.v1beta1.SubjectAccessReview",
    "authorization.k8s.io/v1beta1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "authorization.k8s.io/v1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "authorization.k8s.io/v1|LocalSubjectAccessReview": "api.authorization.v1.LocalSubjectAccessReview",
    "authorization.k8s.io/v1|SelfSubjectAccessReview": "api.authorization.v1.SelfSubjectAccessReview",
    "authorization.k8s.io/v1|SelfSubjectRulesReview": "api.authorization.v1.SelfSubjectRulesReview",
    "authorization.k8s.io/v1|SubjectAccessReview": "api.authorization.v1.SubjectAccessReview",
    "authorization.k8s.io/v1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "autoscaling/v1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "autoscaling/v1|HorizontalPodAutoscaler": "api.autoscaling.v1.HorizontalPodAutoscaler",
    "autoscaling/v1|HorizontalPodAutoscalerList": "api.autoscaling.v1.HorizontalPodAutoscalerList",
    "autoscaling/v1|Scale": "api.autoscaling.v1.Scale",
    "autoscaling/v1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "autoscaling/v2beta1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "autoscaling/v2beta1|HorizontalPodAutoscaler": "api.autoscaling.v2beta1.HorizontalPodAutoscaler",
    "autoscaling/v2beta1|HorizontalPodAutoscalerList": "api.autoscaling.v2beta1.HorizontalPodAutoscalerList",
    "autoscaling/v2beta1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "autoscaling/v2beta2|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "autoscaling/v2beta2|HorizontalPodAutoscaler": "api.autoscaling.v2beta2.HorizontalPodAutoscaler",
    "autoscaling/v2beta2|HorizontalPodAutoscalerList": "api.autoscaling.v2beta2.HorizontalPodAutoscalerList",
    "autoscaling/v2beta2|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "batch/v1beta1|CronJob": "api.batch.v1beta1.CronJob",
    "batch/v1beta1|CronJobList": "api.batch.v1beta1.CronJobList",
    "batch/v1beta1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "batch/v1beta1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "batch/v1|CronJob": "api.batch.v1.CronJob",
    "batch/v1|CronJobList": "api.batch.v1.CronJobList",
    "batch/v1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "batch/v1|Job": "api.batch.v1.Job",
    "batch/v1|JobList": "api.batch.v1.JobList",
    "batch/v1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "certificates.k8s.io/v1beta1|CertificateSigningRequest": "api.certificates.v1beta1.CertificateSigningRequest",
    "certificates.k8s.io/v1beta1|CertificateSigningRequestList": "api.certificates.v1beta1.CertificateSigningRequestList",
    "certificates.k8s.io/v1beta1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "certificates.k8s.io/v1beta1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "certificates.k8s.io/v1|CertificateSigningRequest": "api.certificates.v1.CertificateSigningRequest",
    "certificates.k8s.io/v1|CertificateSigningRequestList": "api.certificates.v1.CertificateSigningRequestList",
    "certificates.k8s.io/v1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "certificates.k8s.io/v1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "coordination.k8s.io/v1beta1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "coordination.k8s.io/v1beta1|Lease": "api.coordination.v1beta1.Lease",
    "coordination.k8s.io/v1beta1|LeaseList": "api.coordination.v1beta1.LeaseList",
    "coordination.k8s.io/v1beta1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "coordination.k8s.io/v1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "coordination.k8s.io/v1|Lease": "api.coordination.v1.Lease",
    "coordination.k8s.io/v1|LeaseList": "api.coordination.v1.LeaseList",
    "coordination.k8s.io/v1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "discovery.k8s.io/v1beta1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "discovery.k8s.io/v1beta1|EndpointSlice": "api.discovery.v1beta1.EndpointSlice",
    "discovery.k8s.io/v1beta1|EndpointSliceList": "api.discovery.v1beta1.EndpointSliceList",
    "discovery.k8s.io/v1beta1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "discovery.k8s.io/v1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "discovery.k8s.io/v1|EndpointSlice": "api.discovery.v1.EndpointSlice",
    "discovery.k8s.io/v1|EndpointSliceList": "api.discovery.v1.EndpointSliceList",
    "discovery.k8s.io/v1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "events.k8s.io/v1beta1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "events.k8s.io/v1beta1|Event": "api.events.v1beta1.Event",
    "events.k8s.io/v1beta1|EventList": "api.events.v1beta1.EventList",
    "events.k8s.io/v1beta1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "events.k8s.io/v1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "events.k8s.io/v1|Event": "api.events.v1.Event",
    "events.k8s.io/v1|EventList": "api.events.v1.EventList",
    "events.k8s.io/v1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "extensions/v1beta1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "extensions/v1beta1|Ingress": "api.extensions.v1beta1.Ingress",
    "extensions/v1beta1|IngressList": "api.extensions.v1beta1.IngressList",
    "extensions/v1beta1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "flowcontrol.apiserver.k8s.io/v1alpha1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "flowcontrol.apiserver.k8s.io/v1alpha1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "flowcontrol.apiserver.k8s.io/v1beta1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "flowcontrol.apiserver.k8s.io/v1beta1|FlowSchema": "api.flowcontrol.v1beta1.FlowSchema",
    "flowcontrol.apiserver.k8s.io/v1beta1|FlowSchemaList": "api.flowcontrol.v1beta1.FlowSchemaList",
    "flowcontrol.apiserver.k8s.io/v1beta1|PriorityLevelConfiguration": "api.flowcontrol.v1beta1.PriorityLevelConfiguration",
    "flowcontrol.apiserver.k8s.io/v1beta1|PriorityLevelConfigurationList": "api.flowcontrol.v1beta1.PriorityLevelConfigurationList",
    "flowcontrol.apiserver.k8s.io/v1beta1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "imagepolicy.k8s.io/v1alpha1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "imagepolicy.k8s.io/v1alpha1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "internal.apiserver.k8s.io/v1alpha1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "internal.apiserver.k8s.io/v1alpha1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "networking.k8s.io/v1beta1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "networking.k8s.io/v1beta1|Ingress": "api.networking.v1beta1.Ingress",
    "networking.k8s.io/v1beta1|IngressClass": "api.networking.v1beta1.IngressClass",
    "networking.k8s.io/v1beta1|IngressClassList": "api.networking.v1beta1.IngressClassList",
    "networking.k8s.io/v1beta1|IngressList": "api.networking.v1beta1.IngressList",
    "networking.k8s.io/v1beta1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "networking.k8s.io/v1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "networking.k8s.io/v1|Ingress": "api.networking.v1.Ingress",
    "networking.k8s.io/v1|IngressClass": "api.networking.v1.IngressClass",
    "networking.k8s.io/v1|IngressClassList": "api.networking.v1.IngressClassList",
    "networking.k8s.io/v1|IngressList": "api.networking.v1.IngressList",
    "networking.k8s.io/v1|NetworkPolicy": "api.networking.v1.NetworkPolicy",
    "networking.k8s.io/v1|NetworkPolicyList": "api.networking.v1.NetworkPolicyList",
    "networking.k8s.io/v1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "node.k8s.io/v1alpha1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "node.k8s.io/v1alpha1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "node.k8s.io/v1beta1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "node.k8s.io/v1beta1|RuntimeClass": "api.node.v1beta1.RuntimeClass",
    "node.k8s.io/v1beta1|RuntimeClassList": "api.node.v1beta1.RuntimeClassList",
    "node.k8s.io/v1beta1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "node.k8s.io/v1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "node.k8s.io/v1|RuntimeClass": "api.node.v1.RuntimeClass",
    "node.k8s.io/v1|RuntimeClassList": "api.node.v1.RuntimeClassList",
    "node.k8s.io/v1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "policy/v1beta1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "policy/v1beta1|Eviction": "api.policy.v1beta1.Eviction",
    "policy/v1beta1|PodDisruptionBudget": "api.policy.v1beta1.PodDisruptionBudget",
    "policy/v1beta1|PodDisruptionBudgetList": "api.policy.v1beta1.PodDisruptionBudgetList",
    "policy/v1beta1|PodSecurityPolicy": "api.policy.v1beta1.PodSecurityPolicy",
    "policy/v1beta1|PodSecurityPolicyList": "api.policy.v1beta1.PodSecurityPolicyList",
    "policy/v1beta1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "policy/v1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "policy/v1|PodDisruptionBudget": "api.policy.v1.PodDisruptionBudget",
    "policy/v1|PodDisruptionBudgetList": "api.policy.v1.PodDisruptionBudgetList",
    "policy/v1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "rbac.authorization.k8s.io/v1alpha1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "rbac.authorization.k8s.io/v1alpha1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "rbac.authorization.k8s.io/v1beta1|ClusterRole": "api.rbac.v1beta1.ClusterRole",
    "rbac.authorization.k8s.io/v1beta1|ClusterRoleBinding": "api.rbac.v1beta1.ClusterRoleBinding",
    "rbac.authorization.k8s.io/v1beta1|ClusterRoleBindingList": "api.rbac.v1beta1.ClusterRoleBindingList",
    "rbac.authorization.k8s.io/v1beta1|ClusterRoleList": "api.rbac.v1beta1.ClusterRoleList",
    "rbac.authorization.k8s.io/v1beta1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "rbac.authorization.k8s.io/v1beta1|Role": "api.rbac.v1beta1.Role",
    "rbac.authorization.k8s.io/v1beta1|RoleBinding": "api.rbac.v1beta1.RoleBinding",
    "rbac.authorization.k8s.io/v1beta1|RoleBindingList": "api.rbac.v1beta1.RoleBindingList",
    "rbac.authorization.k8s.io/v1beta1|RoleList": "api.rbac.v1beta1.RoleList",
    "rbac.authorization.k8s.io/v1beta1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "rbac.authorization.k8s.io/v1|ClusterRole": "api.rbac.v1.ClusterRole",
    "rbac.authorization.k8s.io/v1|ClusterRoleBinding": "api.rbac.v1.ClusterRoleBinding",
    "rbac.authorization.k8s.io/v1|ClusterRoleBindingList": "api.rbac.v1.ClusterRoleBindingList",
    "rbac.authorization.k8s.io/v1|ClusterRoleList": "api.rbac.v1.ClusterRoleList",
    "rbac.authorization.k8s.io/v1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "rbac.authorization.k8s.io/v1|Role": "api.rbac.v1.Role",
    "rbac.authorization.k8s.io/v1|RoleBinding": "api.rbac.v1.RoleBinding",
    "rbac.authorization.k8s.io/v1|RoleBindingList": "api.rbac.v1.RoleBindingList",
    "rbac.authorization.k8s.io/v1|RoleList": "api.rbac.v1.RoleList",
    "rbac.authorization.k8s.io/v1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "scheduling.k8s.io/v1alpha1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "scheduling.k8s.io/v1alpha1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "scheduling.k8s.io/v1beta1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "scheduling.k8s.io/v1beta1|PriorityClass": "api.scheduling.v1beta1.PriorityClass",
    "scheduling.k8s.io/v1beta1|PriorityClassList": "api.scheduling.v1beta1.PriorityClassList",
    "scheduling.k8s.io/v1beta1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "scheduling.k8s.io/v1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "scheduling.k8s.io/v1|PriorityClass": "api.scheduling.v1.PriorityClass",
    "scheduling.k8s.io/v1|PriorityClassList": "api.scheduling.v1.PriorityClassList",
    "scheduling.k8s.io/v1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "storage.k8s.io/v1alpha1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "storage.k8s.io/v1alpha1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "storage.k8s.io/v1beta1|CSIDriver": "api.storage.v1beta1.CSIDriver",
    "storage.k8s.io/v1beta1|CSIDriverList": "api.storage.v1beta1.CSIDriverList",
    "storage.k8s.io/v1beta1|CSINode": "api.storage.v1beta1.CSINode",
    "storage.k8s.io/v1beta1|CSINodeList": "api.storage.v1beta1.CSINodeList",
    "storage.k8s.io/v1beta1|CSIStorageCapacity": "api.storage.v1beta1.CSIStorageCapacity",
    "storage.k8s.io/v1beta1|CSIStorageCapacityList": "api.storage.v1beta1.CSIStorageCapacityList",
    "storage.k8s.io/v1beta1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "storage.k8s.io/v1beta1|StorageClass": "api.storage.v1beta1.StorageClass",
    "storage.k8s.io/v1beta1|StorageClassList": "api.storage.v1beta1.StorageClassList",
    "storage.k8s.io/v1beta1|VolumeAttachment": "api.storage.v1beta1.VolumeAttachment",
    "storage.k8s.io/v1beta1|VolumeAttachmentList": "api.storage.v1beta1.VolumeAttachmentList",
    "storage.k8s.io/v1beta1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "storage.k8s.io/v1|CSIDriver": "api.storage.v1.CSIDriver",
    "storage.k8s.io/v1|CSIDriverList": "api.storage.v1.CSIDriverList",
    "storage.k8s.io/v1|CSINode": "api.storage.v1.CSINode",
    "storage.k8s.io/v1|CSINodeList": "api.storage.v1.CSINodeList",
    "storage.k8s.io/v1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "storage.k8s.io/v1|StorageClass": "api.storage.v1.StorageClass",
    "storage.k8s.io/v1|StorageClassList": "api.storage.v1.StorageClassList",
    "storage.k8s.io/v1|VolumeAttachment": "api.storage.v1.VolumeAttachment",
    "storage.k8s.io/v1|VolumeAttachmentList": "api.storage.v1.VolumeAttachmentList",
    "storage.k8s.io/v1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
    "v1|APIGroup": "apimachinery.pkg.apis.meta.v1.APIGroup",
    "v1|APIGroupList": "apimachinery.pkg.apis.meta.v1.APIGroupList",
    "v1|APIResourceList": "apimachinery.pkg.apis.meta.v1.APIResourceList",
    "v1|APIVersions": "apimachinery.pkg.apis.meta.v1.APIVersions",
    "v1|Binding": "api.core.v1.Binding",
    "v1|ComponentStatus": "api.core.v1.ComponentStatus",
    "v1|ComponentStatusList": "api.core.v1.ComponentStatusList",
    "v1|ConfigMap": "api.core.v1.ConfigMap",
    "v1|ConfigMapList": "api.core.v1.ConfigMapList",
    "v1|DeleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "v1|Endpoints": "api.core.v1.Endpoints",
    "v1|EndpointsList": "api.core.v1.EndpointsList",
    "v1|Event": "api.core.v1.Event",
    "v1|EventList": "api.core.v1.EventList",
    "v1|LimitRange": "api.core.v1.LimitRange",
    "v1|LimitRangeList": "api.core.v1.LimitRangeList",
    "v1|Namespace": "api.core.v1.Namespace",
    "v1|NamespaceList": "api.core.v1.NamespaceList",
    "v1|Node": "api.core.v1.Node",
    "v1|NodeList": "api.core.v1.NodeList",
    "v1|PersistentVolume": "api.core.v1.PersistentVolume",
    "v1|PersistentVolumeClaim": "api.core.v1.PersistentVolumeClaim",
    "v1|PersistentVolumeClaimList": "api.core.v1.PersistentVolumeClaimList",
    "v1|PersistentVolumeList": "api.core.v1.PersistentVolumeList",
    "v1|Pod": "api.core.v1.Pod",
    "v1|PodList": "api.core.v1.PodList",
    "v1|PodTemplate": "api.core.v1.PodTemplate",
    "v1|PodTemplateList": "api.core.v1.PodTemplateList",
    "v1|ReplicationController": "api.core.v1.ReplicationController",
    "v1|ReplicationControllerList": "api.core.v1.ReplicationControllerList",
    "v1|ResourceQuota": "api.core.v1.ResourceQuota",
    "v1|ResourceQuotaList": "api.core.v1.ResourceQuotaList",
    "v1|Secret": "api.core.v1.Secret",
    "v1|SecretList": "api.core.v1.SecretList",
    "v1|Service": "api.core.v1.Service",
    "v1|ServiceAccount": "api.core.v1.ServiceAccount",
    "v1|ServiceAccountList": "api.core.v1.ServiceAccountList",
    "v1|ServiceList": "api.core.v1.ServiceList",
    "v1|Status": "apimachinery.pkg.apis.meta.v1.Status",
    "v1|WatchEvent": "apimachinery.pkg.apis.meta.v1.WatchEvent",
}

# definition name (without "io.k8s.") -> {"p": properties, "ap": map values, "i": array items,
#                     "t": "a" for arrays, "s": patch strategy, "k": merge keys}
DEFINITIONS: dict[str, Any] = {
    "api.admissionregistration.v1.MutatingWebhook": {
        "p": {
            "admissionReviewVersions": {"t": "a"},
            "clientConfig": "api.admissionregistration.v1.WebhookClientConfig",
            "namespaceSelector": "apimachinery.pkg.apis.meta.v1.LabelSelector",
            "objectSelector": "apimachinery.pkg.apis.meta.v1.LabelSelector",
            "rules": {"i": "api.admissionregistration.v1.RuleWithOperations", "t": "a"},
        }
    },
    "api.admissionregistration.v1.MutatingWebhookConfiguration": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "webhooks": {
                "i": "api.admissionregistration.v1.MutatingWebhook",
                "k": ["name"],
                "s": "merge",
                "t": "a",
            },
        }
    },
    "api.admissionregistration.v1.MutatingWebhookConfigurationList": {
        "p": {
            "items": {"i": "api.admissionregistration.v1.MutatingWebhookConfiguration", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.admissionregistration.v1.RuleWithOperations": {
        "p": {
            "apiGroups": {"t": "a"},
            "apiVersions": {"t": "a"},
            "operations": {"t": "a"},
            "resources": {"t": "a"},
        }
    },
    "api.admissionregistration.v1.ServiceReference": {},
    "api.admissionregistration.v1.ValidatingWebhook": {
        "p": {
            "admissionReviewVersions": {"t": "a"},
            "clientConfig": "api.admissionregistration.v1.WebhookClientConfig",
            "namespaceSelector": "apimachinery.pkg.apis.meta.v1.LabelSelector",
            "objectSelector": "apimachinery.pkg.apis.meta.v1.LabelSelector",
            "rules": {"i": "api.admissionregistration.v1.RuleWithOperations", "t": "a"},
        }
    },
    "api.admissionregistration.v1.ValidatingWebhookConfiguration": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "webhooks": {
                "i": "api.admissionregistration.v1.ValidatingWebhook",
                "k": ["name"],
                "s": "merge",
                "t": "a",
            },
        }
    },
    "api.admissionregistration.v1.ValidatingWebhookConfigurationList": {
        "p": {
            "items": {"i": "api.admissionregistration.v1.ValidatingWebhookConfiguration", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.admissionregistration.v1.WebhookClientConfig": {
        "p": {"service": "api.admissionregistration.v1.ServiceReference"}
    },
    "api.admissionregistration.v1beta1.MutatingWebhook": {
        "p": {
            "admissionReviewVersions": {"t": "a"},
            "clientConfig": "api.admissionregistration.v1beta1.WebhookClientConfig",
            "namespaceSelector": "apimachinery.pkg.apis.meta.v1.LabelSelector",
            "objectSelector": "apimachinery.pkg.apis.meta.v1.LabelSelector",
            "rules": {"i": "api.admissionregistration.v1beta1.RuleWithOperations", "t": "a"},
        }
    },
    "api.admissionregistration.v1beta1.MutatingWebhookConfiguration": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "webhooks": {
                "i": "api.admissionregistration.v1beta1.MutatingWebhook",
                "k": ["name"],
                "s": "merge",
                "t": "a",
            },
        }
    },
    "api.admissionregistration.v1beta1.MutatingWebhookConfigurationList": {
        "p": {
            "items": {
                "i": "api.admissionregistration.v1beta1.MutatingWebhookConfiguration",
                "t": "a",
            },
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.admissionregistration.v1beta1.RuleWithOperations": {
        "p": {
            "apiGroups": {"t": "a"},
            "apiVersions": {"t": "a"},
            "operations": {"t": "a"},
            "resources": {"t": "a"},
        }
    },
    "api.admissionregistration.v1beta1.ServiceReference": {},
    "api.admissionregistration.v1beta1.ValidatingWebhook": {
        "p": {
            "admissionReviewVersions": {"t": "a"},
            "clientConfig": "api.admissionregistration.v1beta1.WebhookClientConfig",
            "namespaceSelector": "apimachinery.pkg.apis.meta.v1.LabelSelector",
            "objectSelector": "apimachinery.pkg.apis.meta.v1.LabelSelector",
            "rules": {"i": "api.admissionregistration.v1beta1.RuleWithOperations", "t": "a"},
        }
    },
    "api.admissionregistration.v1beta1.ValidatingWebhookConfiguration": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "webhooks": {
                "i": "api.admissionregistration.v1beta1.ValidatingWebhook",
                "k": ["name"],
                "s": "merge",
                "t": "a",
            },
        }
    },
    "api.admissionregistration.v1beta1.ValidatingWebhookConfigurationList": {
        "p": {
            "items": {
                "i": "api.admissionregistration.v1beta1.ValidatingWebhookConfiguration",
                "t": "a",
            },
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.admissionregistration.v1beta1.WebhookClientConfig": {
        "p": {"service": "api.admissionregistration.v1beta1.ServiceReference"}
    },
    "api.apps.v1.ControllerRevision": {
        "p": {
            "data": "apimachinery.pkg.runtime.RawExtension",
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
        }
    },
    "api.apps.v1.ControllerRevisionList": {
        "p": {
            "items": {"i": "api.apps.v1.ControllerRevision", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.apps.v1.DaemonSet": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.apps.v1.DaemonSetSpec",
            "status": "api.apps.v1.DaemonSetStatus",
        }
    },
    "api.apps.v1.DaemonSetCondition": {
        "p": {"lastTransitionTime": "apimachinery.pkg.apis.meta.v1.Time"}
    },
    "api.apps.v1.DaemonSetList": {
        "p": {
            "items": {"i": "api.apps.v1.DaemonSet", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.apps.v1.DaemonSetSpec": {
        "p": {
            "selector": "apimachinery.pkg.apis.meta.v1.LabelSelector",
            "template": "api.core.v1.PodTemplateSpec",
            "updateStrategy": "api.apps.v1.DaemonSetUpdateStrategy",
        }
    },
    "api.apps.v1.DaemonSetStatus": {
        "p": {
            "conditions": {
                "i": "api.apps.v1.DaemonSetCondition",
                "k": ["type"],
                "s": "merge",
                "t": "a",
            }
        }
    },
    "api.apps.v1.DaemonSetUpdateStrategy": {
        "p": {"rollingUpdate": "api.apps.v1.RollingUpdateDaemonSet"}
    },
    "api.apps.v1.Deployment": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.apps.v1.DeploymentSpec",
            "status": "api.apps.v1.DeploymentStatus",
        }
    },
    "api.apps.v1.DeploymentCondition": {
        "p": {
            "lastTransitionTime": "apimachinery.pkg.apis.meta.v1.Time",
            "lastUpdateTime": "apimachinery.pkg.apis.meta.v1.Time",
        }
    },
    "api.apps.v1.DeploymentList": {
        "p": {
            "items": {"i": "api.apps.v1.Deployment", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.apps.v1.DeploymentSpec": {
        "p": {
            "selector": "apimachinery.pkg.apis.meta.v1.LabelSelector",
            "strategy": "api.apps.v1.DeploymentStrategy",
            "template": "api.core.v1.PodTemplateSpec",
        }
    },
    "api.apps.v1.DeploymentStatus": {
        "p": {
            "conditions": {
                "i": "api.apps.v1.DeploymentCondition",
                "k": ["type"],
                "s": "merge",
                "t": "a",
            }
        }
    },
    "api.apps.v1.DeploymentStrategy": {
        "p": {"rollingUpdate": "api.apps.v1.RollingUpdateDeployment"}
    },
    "api.apps.v1.ReplicaSet": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.apps.v1.ReplicaSetSpec",
            "status": "api.apps.v1.ReplicaSetStatus",
        }
    },
    "api.apps.v1.ReplicaSetCondition": {
        "p": {"lastTransitionTime": "apimachinery.pkg.apis.meta.v1.Time"}
    },
    "api.apps.v1.ReplicaSetList": {
        "p": {
            "items": {"i": "api.apps.v1.ReplicaSet", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.apps.v1.ReplicaSetSpec": {
        "p": {
            "selector": "apimachinery.pkg.apis.meta.v1.LabelSelector",
            "template": "api.core.v1.PodTemplateSpec",
        }
    },
    "api.apps.v1.ReplicaSetStatus": {
        "p": {
            "conditions": {
                "i": "api.apps.v1.ReplicaSetCondition",
                "k": ["type"],
                "s": "merge",
                "t": "a",
            }
        }
    },
    "api.apps.v1.RollingUpdateDaemonSet": {
        "p": {
            "maxSurge": "apimachinery.pkg.util.intstr.IntOrString",
            "maxUnavailable": "apimachinery.pkg.util.intstr.IntOrString",
        }
    },
    "api.apps.v1.RollingUpdateDeployment": {
        "p": {
            "maxSurge": "apimachinery.pkg.util.intstr.IntOrString",
            "maxUnavailable": "apimachinery.pkg.util.intstr.IntOrString",
        }
    },
    "api.apps.v1.RollingUpdateStatefulSetStrategy": {},
    "api.apps.v1.StatefulSet": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.apps.v1.StatefulSetSpec",
            "status": "api.apps.v1.StatefulSetStatus",
        }
    },
    "api.apps.v1.StatefulSetCondition": {
        "p": {"lastTransitionTime": "apimachinery.pkg.apis.meta.v1.Time"}
    },
    "api.apps.v1.StatefulSetList": {
        "p": {
            "items": {"i": "api.apps.v1.StatefulSet", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.apps.v1.StatefulSetSpec": {
        "p": {
            "selector": "apimachinery.pkg.apis.meta.v1.LabelSelector",
            "template": "api.core.v1.PodTemplateSpec",
            "updateStrategy": "api.apps.v1.StatefulSetUpdateStrategy",
            "volumeClaimTemplates": {"i": "api.core.v1.PersistentVolumeClaim", "t": "a"},
        }
    },
    "api.apps.v1.StatefulSetStatus": {
        "p": {
            "conditions": {
                "i": "api.apps.v1.StatefulSetCondition",
                "k": ["type"],
                "s": "merge",
                "t": "a",
            }
        }
    },
    "api.apps.v1.StatefulSetUpdateStrategy": {
        "p": {"rollingUpdate": "api.apps.v1.RollingUpdateStatefulSetStrategy"}
    },
    "api.authentication.v1.BoundObjectReference": {},
    "api.authentication.v1.TokenRequest": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.authentication.v1.TokenRequestSpec",
            "status": "api.authentication.v1.TokenRequestStatus",
        }
    },
    "api.authentication.v1.TokenRequestSpec": {
        "p": {
            "audiences": {"t": "a"},
            "boundObjectRef": "api.authentication.v1.BoundObjectReference",
        }
    },
    "api.authentication.v1.TokenRequestStatus": {
        "p": {"expirationTimestamp": "apimachinery.pkg.apis.meta.v1.Time"}
    },
    "api.authentication.v1.TokenReview": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.authentication.v1.TokenReviewSpec",
            "status": "api.authentication.v1.TokenReviewStatus",
        }
    },
    "api.authentication.v1.TokenReviewSpec": {"p": {"audiences": {"t": "a"}}},
    "api.authentication.v1.TokenReviewStatus": {
        "p": {"audiences": {"t": "a"}, "user": "api.authentication.v1.UserInfo"}
    },
    "api.authentication.v1.UserInfo": {"p": {"extra": {"ap": {"t": "a"}}, "groups": {"t": "a"}}},
    "api.authentication.v1beta1.TokenReview": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.authentication.v1beta1.TokenReviewSpec",
            "status": "api.authentication.v1beta1.TokenReviewStatus",
        }
    },
    "api.authentication.v1beta1.TokenReviewSpec": {"p": {"audiences": {"t": "a"}}},
    "api.authentication.v1beta1.TokenReviewStatus": {
        "p": {"audiences": {"t": "a"}, "user": "api.authentication.v1beta1.UserInfo"}
    },
    "api.authentication.v1beta1.UserInfo": {
        "p": {"extra": {"ap": {"t": "a"}}, "groups": {"t": "a"}}
    },
    "api.authorization.v1.LocalSubjectAccessReview": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.authorization.v1.SubjectAccessReviewSpec",
            "status": "api.authorization.v1.SubjectAccessReviewStatus",
        }
    },
    "api.authorization.v1.NonResourceAttributes": {},
    "api.authorization.v1.NonResourceRule": {
        "p": {"nonResourceURLs": {"t": "a"}, "verbs": {"t": "a"}}
    },
    "api.authorization.v1.ResourceAttributes": {},
    "api.authorization.v1.ResourceRule": {
        "p": {
            "apiGroups": {"t": "a"},
            "resourceNames": {"t": "a"},
            "resources": {"t": "a"},
            "verbs": {"t": "a"},
        }
    },
    "api.authorization.v1.SelfSubjectAccessReview": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.authorization.v1.SelfSubjectAccessReviewSpec",
            "status": "api.authorization.v1.SubjectAccessReviewStatus",
        }
    },
    "api.authorization.v1.SelfSubjectAccessReviewSpec": {
        "p": {
            "nonResourceAttributes": "api.authorization.v1.NonResourceAttributes",
            "resourceAttributes": "api.authorization.v1.ResourceAttributes",
        }
    },
    "api.authorization.v1.SelfSubjectRulesReview": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.authorization.v1.SelfSubjectRulesReviewSpec",
            "status": "api.authorization.v1.SubjectRulesReviewStatus",
        }
    },
    "api.authorization.v1.SelfSubjectRulesReviewSpec": {},
    "api.authorization.v1.SubjectAccessReview": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.authorization.v1.SubjectAccessReviewSpec",
            "status": "api.authorization.v1.SubjectAccessReviewStatus",
        }
    },
    "api.authorization.v1.SubjectAccessReviewSpec": {
        "p": {
            "extra": {"ap": {"t": "a"}},
            "groups": {"t": "a"},
            "nonResourceAttributes": "api.authorization.v1.NonResourceAttributes",
            "resourceAttributes": "api.authorization.v1.ResourceAttributes",
        }
    },
    "api.authorization.v1.SubjectAccessReviewStatus": {},
    "api.authorization.v1.SubjectRulesReviewStatus": {
        "p": {
            "nonResourceRules": {"i": "api.authorization.v1.NonResourceRule", "t": "a"},
            "resourceRules": {"i": "api.authorization.v1.ResourceRule", "t": "a"},
        }
    },
    "api.authorization.v1beta1.LocalSubjectAccessReview": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.authorization.v1beta1.SubjectAccessReviewSpec",
            "status": "api.authorization.v1beta1.SubjectAccessReviewStatus",
        }
    },
    "api.authorization.v1beta1.NonResourceAttributes": {},
    "api.authorization.v1beta1.NonResourceRule": {
        "p": {"nonResourceURLs": {"t": "a"}, "verbs": {"t": "a"}}
    },
    "api.authorization.v1beta1.ResourceAttributes": {},
    "api.authorization.v1beta1.ResourceRule": {
        "p": {
            "apiGroups": {"t": "a"},
            "resourceNames": {"t": "a"},
            "resources": {"t": "a"},
            "verbs": {"t": "a"},
        }
    },
    "api.authorization.v1beta1.SelfSubjectAccessReview": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.authorization.v1beta1.SelfSubjectAccessReviewSpec",
            "status": "api.authorization.v1beta1.SubjectAccessReviewStatus",
        }
    },
    "api.authorization.v1beta1.SelfSubjectAccessReviewSpec": {
        "p": {
            "nonResourceAttributes": "api.authorization.v1beta1.NonResourceAttributes",
            "resourceAttributes": "api.authorization.v1beta1.ResourceAttributes",
        }
    },
    "api.authorization.v1beta1.SelfSubjectRulesReview": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.authorization.v1beta1.SelfSubjectRulesReviewSpec",
            "status": "api.authorization.v1beta1.SubjectRulesReviewStatus",
        }
    },
    "api.authorization.v1beta1.SelfSubjectRulesReviewSpec": {},
    "api.authorization.v1beta1.SubjectAccessReview": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.authorization.v1beta1.SubjectAccessReviewSpec",
            "status": "api.authorization.v1beta1.SubjectAccessReviewStatus",
        }
    },
    "api.authorization.v1beta1.SubjectAccessReviewSpec": {
        "p": {
            "extra": {"ap": {"t": "a"}},
            "group": {"t": "a"},
            "nonResourceAttributes": "api.authorization.v1beta1.NonResourceAttributes",
            "resourceAttributes": "api.authorization.v1beta1.ResourceAttributes",
        }
    },
    "api.authorization.v1beta1.SubjectAccessReviewStatus": {},
    "api.authorization.v1beta1.SubjectRulesReviewStatus": {
        "p": {
            "nonResourceRules": {"i": "api.authorization.v1beta1.NonResourceRule", "t": "a"},
            "resourceRules": {"i": "api.authorization.v1beta1.ResourceRule", "t": "a"},
        }
    },
    "api.autoscaling.v1.CrossVersionObjectReference": {},
    "api.autoscaling.v1.HorizontalPodAutoscaler": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.autoscaling.v1.HorizontalPodAutoscalerSpec",
            "status": "api.autoscaling.v1.HorizontalPodAutoscalerStatus",
        }
    },
    "api.autoscaling.v1.HorizontalPodAutoscalerList": {
        "p": {
            "items": {"i": "api.autoscaling.v1.HorizontalPodAutoscaler", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.autoscaling.v1.HorizontalPodAutoscalerSpec": {
        "p": {"scaleTargetRef": "api.autoscaling.v1.CrossVersionObjectReference"}
    },
    "api.autoscaling.v1.HorizontalPodAutoscalerStatus": {
        "p": {"lastScaleTime": "apimachinery.pkg.apis.meta.v1.Time"}
    },
    "api.autoscaling.v1.Scale": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.autoscaling.v1.ScaleSpec",
            "status": "api.autoscaling.v1.ScaleStatus",
        }
    },
    "api.autoscaling.v1.ScaleSpec": {},
    "api.autoscaling.v1.ScaleStatus": {},
    "api.autoscaling.v2beta1.ContainerResourceMetricSource": {
        "p": {"targetAverageValue": "apimachinery.pkg.api.resource.Quantity"}
    },
    "api.autoscaling.v2beta1.ContainerResourceMetricStatus": {
        "p": {"currentAverageValue": "apimachinery.pkg.api.resource.Quantity"}
    },
    "api.autoscaling.v2beta1.CrossVersionObjectReference": {},
    "api.autoscaling.v2beta1.ExternalMetricSource": {
        "p": {
            "metricSelector": "apimachinery.pkg.apis.meta.v1.LabelSelector",
            "targetAverageValue": "apimachinery.pkg.api.resource.Quantity",
            "targetValue": "apimachinery.pkg.api.resource.Quantity",
        }
    },
    "api.autoscaling.v2beta1.ExternalMetricStatus": {
        "p": {
            "currentAverageValue": "apimachinery.pkg.api.resource.Quantity",
            "currentValue": "apimachinery.pkg.api.resource.Quantity",
            "metricSelector": "apimachinery.pkg.apis.meta.v1.LabelSelector",
        }
    },
    "api.autoscaling.v2beta1.HorizontalPodAutoscaler": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.autoscaling.v2beta1.HorizontalPodAutoscalerSpec",
            "status": "api.autoscaling.v2beta1.HorizontalPodAutoscalerStatus",
        }
    },
    "api.autoscaling.v2beta1.HorizontalPodAutoscalerCondition": {
        "p": {"lastTransitionTime": "apimachinery.pkg.apis.meta.v1.Time"}
    },
    "api.autoscaling.v2beta1.HorizontalPodAutoscalerList": {
        "p": {
            "items": {"i": "api.autoscaling.v2beta1.HorizontalPodAutoscaler", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.autoscaling.v2beta1.HorizontalPodAutoscalerSpec": {
        "p": {
            "metrics": {"i": "api.autoscaling.v2beta1.MetricSpec", "t": "a"},
            "scaleTargetRef": "api.autoscaling.v2beta1.CrossVersionObjectReference",
        }
    },
    "api.autoscaling.v2beta1.HorizontalPodAutoscalerStatus": {
        "p": {
            "conditions": {
                "i": "api.autoscaling.v2beta1.HorizontalPodAutoscalerCondition",
                "t": "a",
            },
            "currentMetrics": {"i": "api.autoscaling.v2beta1.MetricStatus", "t": "a"},
            "lastScaleTime": "apimachinery.pkg.apis.meta.v1.Time",
        }
    },
    "api.autoscaling.v2beta1.MetricSpec": {
        "p": {
            "containerResource": "api.autoscaling.v2beta1.ContainerResourceMetricSource",
            "external": "api.autoscaling.v2beta1.ExternalMetricSource",
            "object": "api.autoscaling.v2beta1.ObjectMetricSource",
            "pods": "api.autoscaling.v2beta1.PodsMetricSource",
            "resource": "api.autoscaling.v2beta1.ResourceMetricSource",
        }
    },
    "api.autoscaling.v2beta1.MetricStatus": {
        "p": {
            "containerResource": "api.autoscaling.v2beta1.ContainerResourceMetricStatus",
            "external": "api.autoscaling.v2beta1.ExternalMetricStatus",
            "object": "api.autoscaling.v2beta1.ObjectMetricStatus",
            "pods": "api.autoscaling.v2beta1.PodsMetricStatus",
            "resource": "api.autoscaling.v2beta1.ResourceMetricStatus",
        }
    },
    "api.autoscaling.v2beta1.ObjectMetricSource": {
        "p": {
            "averageValue": "apimachinery.pkg.api.resource.Quantity",
            "selector": "apimachinery.pkg.apis.meta.v1.LabelSelector",
            "target": "api.autoscaling.v2beta1.CrossVersionObjectReference",
            "targetValue": "apimachinery.pkg.api.resource.Quantity",
        }
    },
    "api.autoscaling.v2beta1.ObjectMetricStatus": {
        "p": {
            "averageValue": "apimachinery.pkg.api.resource.Quantity",
            "currentValue": "apimachinery.pkg.api.resource.Quantity",
            "selector": "apimachinery.pkg.apis.meta.v1.LabelSelector",
            "target": "api.autoscaling.v2beta1.CrossVersionObjectReference",
        }
    },
    "api.autoscaling.v2beta1.PodsMetricSource": {
        "p": {
            "selector": "apimachinery.pkg.apis.meta.v1.LabelSelector",
            "targetAverageValue": "apimachinery.pkg.api.resource.Quantity",
        }
    },
    "api.autoscaling.v2beta1.PodsMetricStatus": {
        "p": {
            "currentAverageValue": "apimachinery.pkg.api.resource.Quantity",
            "selector": "apimachinery.pkg.apis.meta.v1.LabelSelector",
        }
    },
    "api.autoscaling.v2beta1.ResourceMetricSource": {
        "p": {"targetAverageValue": "apimachinery.pkg.api.resource.Quantity"}
    },
    "api.autoscaling.v2beta1.ResourceMetricStatus": {
        "p": {"currentAverageValue": "apimachinery.pkg.api.resource.Quantity"}
    },
    "api.autoscaling.v2beta2.ContainerResourceMetricSource": {
        "p": {"target": "api.autoscaling.v2beta2.MetricTarget"}
    },
    "api.autoscaling.v2beta2.ContainerResourceMetricStatus": {
        "p": {"current": "api.autoscaling.v2beta2.MetricValueStatus"}
    },
    "api.autoscaling.v2beta2.CrossVersionObjectReference": {},
    "api.autoscaling.v2beta2.ExternalMetricSource": {
        "p": {
            "metric": "api.autoscaling.v2beta2.MetricIdentifier",
            "target": "api.autoscaling.v2beta2.MetricTarget",
        }
    },
    "api.autoscaling.v2beta2.ExternalMetricStatus": {
        "p": {
            "current": "api.autoscaling.v2beta2.MetricValueStatus",
            "metric": "api.autoscaling.v2beta2.MetricIdentifier",
        }
    },
    "api.autoscaling.v2beta2.HPAScalingPolicy": {},
    "api.autoscaling.v2beta2.HPAScalingRules": {
        "p": {"policies": {"i": "api.autoscaling.v2beta2.HPAScalingPolicy", "t": "a"}}
    },
    "api.autoscaling.v2beta2.HorizontalPodAutoscaler": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.autoscaling.v2beta2.HorizontalPodAutoscalerSpec",
            "status": "api.autoscaling.v2beta2.HorizontalPodAutoscalerStatus",
        }
    },
    "api.autoscaling.v2beta2.HorizontalPodAutoscalerBehavior": {
        "p": {
            "scaleDown": "api.autoscaling.v2beta2.HPAScalingRules",
            "scaleUp": "api.autoscaling.v2beta2.HPAScalingRules",
        }
    },
    "api.autoscaling.v2beta2.HorizontalPodAutoscalerCondition": {
        "p": {"lastTransitionTime": "apimachinery.pkg.apis.meta.v1.Time"}
    },
    "api.autoscaling.v2beta2.HorizontalPodAutoscalerList": {
        "p": {
            "items": {"i": "api.autoscaling.v2beta2.HorizontalPodAutoscaler", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.autoscaling.v2beta2.HorizontalPodAutoscalerSpec": {
        "p": {
            "behavior": "api.autoscaling.v2beta2.HorizontalPodAutoscalerBehavior",
            "metrics": {"i": "api.autoscaling.v2beta2.MetricSpec", "t": "a"},
            "scaleTargetRef": "api.autoscaling.v2beta2.CrossVersionObjectReference",
        }
    },
    "api.autoscaling.v2beta2.HorizontalPodAutoscalerStatus": {
        "p": {
            "conditions": {
                "i": "api.autoscaling.v2beta2.HorizontalPodAutoscalerCondition",
                "t": "a",
            },
            "currentMetrics": {"i": "api.autoscaling.v2beta2.MetricStatus", "t": "a"},
            "lastScaleTime": "apimachinery.pkg.apis.meta.v1.Time",
        }
    },
    "api.autoscaling.v2beta2.MetricIdentifier": {
        "p": {"selector": "apimachinery.pkg.apis.meta.v1.LabelSelector"}
    },
    "api.autoscaling.v2beta2.MetricSpec": {
        "p": {
            "containerResource": "api.autoscaling.v2beta2.ContainerResourceMetricSource",
            "external": "api.autoscaling.v2beta2.ExternalMetricSource",
            "object": "api.autoscaling.v2beta2.ObjectMetricSource",
            "pods": "api.autoscaling.v2beta2.PodsMetricSource",
            "resource": "api.autoscaling.v2beta2.ResourceMetricSource",
        }
    },
    "api.autoscaling.v2beta2.MetricStatus": {
        "p": {
            "containerResource": "api.autoscaling.v2beta2.ContainerResourceMetricStatus",
            "external": "api.autoscaling.v2beta2.ExternalMetricStatus",
            "object": "api.autoscaling.v2beta2.ObjectMetricStatus",
            "pods": "api.autoscaling.v2beta2.PodsMetricStatus",
            "resource": "api.autoscaling.v2beta2.ResourceMetricStatus",
        }
    },
    "api.autoscaling.v2beta2.MetricTarget": {
        "p": {
            "averageValue": "apimachinery.pkg.api.resource.Quantity",
            "value": "apimachinery.pkg.api.resource.Quantity",
        }
    },
    "api.autoscaling.v2beta2.MetricValueStatus": {
        "p": {
            "averageValue": "apimachinery.pkg.api.resource.Quantity",
            "value": "apimachinery.pkg.api.resource.Quantity",
        }
    },
    "api.autoscaling.v2beta2.ObjectMetricSource": {
        "p": {
            "describedObject": "api.autoscaling.v2beta2.CrossVersionObjectReference",
            "metric": "api.autoscaling.v2beta2.MetricIdentifier",
            "target": "api.autoscaling.v2beta2.MetricTarget",
        }
    },
    "api.autoscaling.v2beta2.ObjectMetricStatus": {
        "p": {
            "current": "api.autoscaling.v2beta2.MetricValueStatus",
            "describedObject": "api.autoscaling.v2beta2.CrossVersionObjectReference",
            "metric": "api.autoscaling.v2beta2.MetricIdentifier",
        }
    },
    "api.autoscaling.v2beta2.PodsMetricSource": {
        "p": {
            "metric": "api.autoscaling.v2beta2.MetricIdentifier",
            "target": "api.autoscaling.v2beta2.MetricTarget",
        }
    },
    "api.autoscaling.v2beta2.PodsMetricStatus": {
        "p": {
            "current": "api.autoscaling.v2beta2.MetricValueStatus",
            "metric": "api.autoscaling.v2beta2.MetricIdentifier",
        }
    },
    "api.autoscaling.v2beta2.ResourceMetricSource": {
        "p": {"target": "api.autoscaling.v2beta2.MetricTarget"}
    },
    "api.autoscaling.v2beta2.ResourceMetricStatus": {
        "p": {"current": "api.autoscaling.v2beta2.MetricValueStatus"}
    },
    "api.batch.v1.CronJob": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.batch.v1.CronJobSpec",
            "status": "api.batch.v1.CronJobStatus",
        }
    },
    "api.batch.v1.CronJobList": {
        "p": {
            "items": {"i": "api.batch.v1.CronJob", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.batch.v1.CronJobSpec": {"p": {"jobTemplate": "api.batch.v1.JobTemplateSpec"}},
    "api.batch.v1.CronJobStatus": {
        "p": {
            "active": {"i": "api.core.v1.ObjectReference", "t": "a"},
            "lastScheduleTime": "apimachinery.pkg.apis.meta.v1.Time",
            "lastSuccessfulTime": "apimachinery.pkg.apis.meta.v1.Time",
        }
    },
    "api.batch.v1.Job": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.batch.v1.JobSpec",
            "status": "api.batch.v1.JobStatus",
        }
    },
    "api.batch.v1.JobCondition": {
        "p": {
            "lastProbeTime": "apimachinery.pkg.apis.meta.v1.Time",
            "lastTransitionTime": "apimachinery.pkg.apis.meta.v1.Time",
        }
    },
    "api.batch.v1.JobList": {
        "p": {
            "items": {"i": "api.batch.v1.Job", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.batch.v1.JobSpec": {
        "p": {
            "selector": "apimachinery.pkg.apis.meta.v1.LabelSelector",
            "template": "api.core.v1.PodTemplateSpec",
        }
    },
    "api.batch.v1.JobStatus": {
        "p": {
            "completionTime": "apimachinery.pkg.apis.meta.v1.Time",
            "conditions": {"i": "api.batch.v1.JobCondition", "k": ["type"], "s": "merge", "t": "a"},
            "startTime": "apimachinery.pkg.apis.meta.v1.Time",
        }
    },
    "api.batch.v1.JobTemplateSpec": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.batch.v1.JobSpec",
        }
    },
    "api.batch.v1beta1.CronJob": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.batch.v1beta1.CronJobSpec",
            "status": "api.batch.v1beta1.CronJobStatus",
        }
    },
    "api.batch.v1beta1.CronJobList": {
        "p": {
            "items": {"i": "api.batch.v1beta1.CronJob", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.batch.v1beta1.CronJobSpec": {"p": {"jobTemplate": "api.batch.v1beta1.JobTemplateSpec"}},
    "api.batch.v1beta1.CronJobStatus": {
        "p": {
            "active": {"i": "api.core.v1.ObjectReference", "t": "a"},
            "lastScheduleTime": "apimachinery.pkg.apis.meta.v1.Time",
            "lastSuccessfulTime": "apimachinery.pkg.apis.meta.v1.Time",
        }
    },
    "api.batch.v1beta1.JobTemplateSpec": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.batch.v1.JobSpec",
        }
    },
    "api.certificates.v1.CertificateSigningRequest": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.certificates.v1.CertificateSigningRequestSpec",
            "status": "api.certificates.v1.CertificateSigningRequestStatus",
        }
    },
    "api.certificates.v1.CertificateSigningRequestCondition": {
        "p": {
            "lastTransitionTime": "apimachinery.pkg.apis.meta.v1.Time",
            "lastUpdateTime": "apimachinery.pkg.apis.meta.v1.Time",
        }
    },
    "api.certificates.v1.CertificateSigningRequestList": {
        "p": {
            "items": {"i": "api.certificates.v1.CertificateSigningRequest", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.certificates.v1.CertificateSigningRequestSpec": {
        "p": {"extra": {"ap": {"t": "a"}}, "groups": {"t": "a"}, "usages": {"t": "a"}}
    },
    "api.certificates.v1.CertificateSigningRequestStatus": {
        "p": {
            "conditions": {"i": "api.certificates.v1.CertificateSigningRequestCondition", "t": "a"}
        }
    },
    "api.certificates.v1beta1.CertificateSigningRequest": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.certificates.v1beta1.CertificateSigningRequestSpec",
            "status": "api.certificates.v1beta1.CertificateSigningRequestStatus",
        }
    },
    "api.certificates.v1beta1.CertificateSigningRequestCondition": {
        "p": {
            "lastTransitionTime": "apimachinery.pkg.apis.meta.v1.Time",
            "lastUpdateTime": "apimachinery.pkg.apis.meta.v1.Time",
        }
    },
    "api.certificates.v1beta1.CertificateSigningRequestList": {
        "p": {
            "items": {"i": "api.certificates.v1beta1.CertificateSigningRequest", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.certificates.v1beta1.CertificateSigningRequestSpec": {
        "p": {"extra": {"ap": {"t": "a"}}, "groups": {"t": "a"}, "usages": {"t": "a"}}
    },
    "api.certificates.v1beta1.CertificateSigningRequestStatus": {
        "p": {
            "conditions": {
                "i": "api.certificates.v1beta1.CertificateSigningRequestCondition",
                "t": "a",
            }
        }
    },
    "api.coordination.v1.Lease": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.coordination.v1.LeaseSpec",
        }
    },
    "api.coordination.v1.LeaseList": {
        "p": {
            "items": {"i": "api.coordination.v1.Lease", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.coordination.v1.LeaseSpec": {
        "p": {
            "acquireTime": "apimachinery.pkg.apis.meta.v1.MicroTime",
            "renewTime": "apimachinery.pkg.apis.meta.v1.MicroTime",
        }
    },
    "api.coordination.v1beta1.Lease": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.coordination.v1beta1.LeaseSpec",
        }
    },
    "api.coordination.v1beta1.LeaseList": {
        "p": {
            "items": {"i": "api.coordination.v1beta1.Lease", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.coordination.v1beta1.LeaseSpec": {
        "p": {
            "acquireTime": "apimachinery.pkg.apis.meta.v1.MicroTime",
            "renewTime": "apimachinery.pkg.apis.meta.v1.MicroTime",
        }
    },
    "api.core.v1.AWSElasticBlockStoreVolumeSource": {},
    "api.core.v1.Affinity": {
        "p": {
            "nodeAffinity": "api.core.v1.NodeAffinity",
            "podAffinity": "api.core.v1.PodAffinity",
            "podAntiAffinity": "api.core.v1.PodAntiAffinity",
        }
    },
    "api.core.v1.AttachedVolume": {},
    "api.core.v1.AzureDiskVolumeSource": {},
    "api.core.v1.AzureFilePersistentVolumeSource": {},
    "api.core.v1.AzureFileVolumeSource": {},
    "api.core.v1.Binding": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "target": "api.core.v1.ObjectReference",
        }
    },
    "api.core.v1.CSIPersistentVolumeSource": {
        "p": {
            "controllerExpandSecretRef": "api.core.v1.SecretReference",
            "controllerPublishSecretRef": "api.core.v1.SecretReference",
            "nodePublishSecretRef": "api.core.v1.SecretReference",
            "nodeStageSecretRef": "api.core.v1.SecretReference",
            "volumeAttributes": {"ap": 0},
        }
    },
    "api.core.v1.CSIVolumeSource": {
        "p": {
            "nodePublishSecretRef": "api.core.v1.LocalObjectReference",
            "volumeAttributes": {"ap": 0},
        }
    },
    "api.core.v1.Capabilities": {"p": {"add": {"t": "a"}, "drop": {"t": "a"}}},
    "api.core.v1.CephFSPersistentVolumeSource": {
        "p": {"monitors": {"t": "a"}, "secretRef": "api.core.v1.SecretReference"}
    },
    "api.core.v1.CephFSVolumeSource": {
        "p": {"monitors": {"t": "a"}, "secretRef": "api.core.v1.LocalObjectReference"}
    },
    "api.core.v1.CinderPersistentVolumeSource": {"p": {"secretRef": "api.core.v1.SecretReference"}},
    "api.core.v1.CinderVolumeSource": {"p": {"secretRef": "api.core.v1.LocalObjectReference"}},
    "api.core.v1.ClientIPConfig": {},
    "api.core.v1.ComponentCondition": {},
    "api.core.v1.ComponentStatus": {
        "p": {
            "conditions": {
                "i": "api.core.v1.ComponentCondition",
                "k": ["type"],
                "s": "merge",
                "t": "a",
            },
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
        }
    },
    "api.core.v1.ComponentStatusList": {
        "p": {
            "items": {"i": "api.core.v1.ComponentStatus", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.core.v1.ConfigMap": {
        "p": {
            "binaryData": {"ap": 0},
            "data": {"ap": 0},
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
        }
    },
    "api.core.v1.ConfigMapEnvSource": {},
    "api.core.v1.ConfigMapKeySelector": {},
    "api.core.v1.ConfigMapList": {
        "p": {
            "items": {"i": "api.core.v1.ConfigMap", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.core.v1.ConfigMapNodeConfigSource": {},
    "api.core.v1.ConfigMapProjection": {"p": {"items": {"i": "api.core.v1.KeyToPath", "t": "a"}}},
    "api.core.v1.ConfigMapVolumeSource": {"p": {"items": {"i": "api.core.v1.KeyToPath", "t": "a"}}},
    "api.core.v1.Container": {
        "p": {
            "args": {"t": "a"},
            "command": {"t": "a"},
            "env": {"i": "api.core.v1.EnvVar", "k": ["name"], "s": "merge", "t": "a"},
            "envFrom": {"i": "api.core.v1.EnvFromSource", "t": "a"},
            "lifecycle": "api.core.v1.Lifecycle",
            "livenessProbe": "api.core.v1.Probe",
            "ports": {
                "i": "api.core.v1.ContainerPort",
                "k": ["containerPort", "protocol"],
                "s": "merge",
                "t": "a",
            },
            "readinessProbe": "api.core.v1.Probe",
            "resources": "api.core.v1.ResourceRequirements",
            "securityContext": "api.core.v1.SecurityContext",
            "startupProbe": "api.core.v1.Probe",
            "volumeDevices": {
                "i": "api.core.v1.VolumeDevice",
                "k": ["devicePath"],
                "s": "merge",
                "t": "a",
            },
            "volumeMounts": {
                "i": "api.core.v1.VolumeMount",
                "k": ["mountPath"],
                "s": "merge",
                "t": "a",
            },
        }
    },
    "api.core.v1.ContainerImage": {"p": {"names": {"t": "a"}}},
    "api.core.v1.ContainerPort": {},
    "api.core.v1.ContainerState": {
        "p": {
            "running": "api.core.v1.ContainerStateRunning",
            "terminated": "api.core.v1.ContainerStateTerminated",
            "waiting": "api.core.v1.ContainerStateWaiting",
        }
    },
    "api.core.v1.ContainerStateRunning": {"p": {"startedAt": "apimachinery.pkg.apis.meta.v1.Time"}},
    "api.core.v1.ContainerStateTerminated": {
        "p": {
            "finishedAt": "apimachinery.pkg.apis.meta.v1.Time",
            "startedAt": "apimachinery.pkg.apis.meta.v1.Time",
        }
    },
    "api.core.v1.ContainerStateWaiting": {},
    "api.core.v1.ContainerStatus": {
        "p": {"lastState": "api.core.v1.ContainerState", "state": "api.core.v1.ContainerState"}
    },
    "api.core.v1.DaemonEndpoint": {},
    "api.core.v1.DownwardAPIProjection": {
        "p": {"items": {"i": "api.core.v1.DownwardAPIVolumeFile", "t": "a"}}
    },
    "api.core.v1.DownwardAPIVolumeFile": {
        "p": {
            "fieldRef": "api.core.v1.ObjectFieldSelector",
            "resourceFieldRef": "api.core.v1.ResourceFieldSelector",
        }
    },
    "api.core.v1.DownwardAPIVolumeSource": {
        "p": {"items": {"i": "api.core.v1.DownwardAPIVolumeFile", "t": "a"}}
    },
    "api.core.v1.EmptyDirVolumeSource": {
        "p": {"sizeLimit": "apimachinery.pkg.api.resource.Quantity"}
    },
    "api.core.v1.EndpointAddress": {"p": {"targetRef": "api.core.v1.ObjectReference"}},
    "api.core.v1.EndpointPort": {},
    "api.core.v1.EndpointSubset": {
        "p": {
            "addresses": {"i": "api.core.v1.EndpointAddress", "t": "a"},
            "notReadyAddresses": {"i": "api.core.v1.EndpointAddress", "t": "a"},
            "ports": {"i": "api.core.v1.EndpointPort", "t": "a"},
        }
    },
    "api.core.v1.Endpoints": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "subsets": {"i": "api.core.v1.EndpointSubset", "t": "a"},
        }
    },
    "api.core.v1.EndpointsList": {
        "p": {
            "items": {"i": "api.core.v1.Endpoints", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.core.v1.EnvFromSource": {
        "p": {
            "configMapRef": "api.core.v1.ConfigMapEnvSource",
            "secretRef": "api.core.v1.SecretEnvSource",
        }
    },
    "api.core.v1.EnvVar": {"p": {"valueFrom": "api.core.v1.EnvVarSource"}},
    "api.core.v1.EnvVarSource": {
        "p": {
            "configMapKeyRef": "api.core.v1.ConfigMapKeySelector",
            "fieldRef": "api.core.v1.ObjectFieldSelector",
            "resourceFieldRef": "api.core.v1.ResourceFieldSelector",
            "secretKeyRef": "api.core.v1.SecretKeySelector",
        }
    },
    "api.core.v1.EphemeralContainer": {
        "p": {
            "args": {"t": "a"},
            "command": {"t": "a"},
            "env": {"i": "api.core.v1.EnvVar", "k": ["name"], "s": "merge", "t": "a"},
            "envFrom": {"i": "api.core.v1.EnvFromSource", "t": "a"},
            "lifecycle": "api.core.v1.Lifecycle",
            "livenessProbe": "api.core.v1.Probe",
            "ports": {"i": "api.core.v1.ContainerPort", "t": "a"},
            "readinessProbe": "api.core.v1.Probe",
            "resources": "api.core.v1.ResourceRequirements",
            "securityContext": "api.core.v1.SecurityContext",
            "startupProbe": "api.core.v1.Probe",
            "volumeDevices": {
                "i": "api.core.v1.VolumeDevice",
                "k": ["devicePath"],
                "s": "merge",
                "t": "a",
            },
            "volumeMounts": {
                "i": "api.core.v1.VolumeMount",
                "k": ["mountPath"],
                "s": "merge",
                "t": "a",
            },
        }
    },
    "api.core.v1.EphemeralVolumeSource": {
        "p": {"volumeClaimTemplate": "api.core.v1.PersistentVolumeClaimTemplate"}
    },
    "api.core.v1.Event": {
        "p": {
            "eventTime": "apimachinery.pkg.apis.meta.v1.MicroTime",
            "firstTimestamp": "apimachinery.pkg.apis.meta.v1.Time",
            "involvedObject": "api.core.v1.ObjectReference",
            "lastTimestamp": "apimachinery.pkg.apis.meta.v1.Time",
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "related": "api.core.v1.ObjectReference",
            "series": "api.core.v1.EventSeries",
            "source": "api.core.v1.EventSource",
        }
    },
    "api.core.v1.EventList": {
        "p": {
            "items": {"i": "api.core.v1.Event", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.core.v1.EventSeries": {
        "p": {"lastObservedTime": "apimachinery.pkg.apis.meta.v1.MicroTime"}
    },
    "api.core.v1.EventSource": {},
    "api.core.v1.ExecAction": {"p": {"command": {"t": "a"}}},
    "api.core.v1.FCVolumeSource": {"p": {"targetWWNs": {"t": "a"}, "wwids": {"t": "a"}}},
    "api.core.v1.FlexPersistentVolumeSource": {
        "p": {"options": {"ap": 0}, "secretRef": "api.core.v1.SecretReference"}
    },
    "api.core.v1.FlexVolumeSource": {
        "p": {"options": {"ap": 0}, "secretRef": "api.core.v1.LocalObjectReference"}
    },
    "api.core.v1.FlockerVolumeSource": {},
    "api.core.v1.GCEPersistentDiskVolumeSource": {},
    "api.core.v1.GitRepoVolumeSource": {},
    "api.core.v1.GlusterfsPersistentVolumeSource": {},
    "api.core.v1.GlusterfsVolumeSource": {},
    "api.core.v1.HTTPGetAction": {
        "p": {
            "httpHeaders": {"i": "api.core.v1.HTTPHeader", "t": "a"},
            "port": "apimachinery.pkg.util.intstr.IntOrString",
        }
    },
    "api.core.v1.HTTPHeader": {},
    "api.core.v1.Handler": {
        "p": {
            "exec": "api.core.v1.ExecAction",
            "httpGet": "api.core.v1.HTTPGetAction",
            "tcpSocket": "api.core.v1.TCPSocketAction",
        }
    },
    "api.core.v1.HostAlias": {"p": {"hostnames": {"t": "a"}}},
    "api.core.v1.HostPathVolumeSource": {},
    "api.core.v1.ISCSIPersistentVolumeSource": {
        "p": {"portals": {"t": "a"}, "secretRef": "api.core.v1.SecretReference"}
    },
    "api.core.v1.ISCSIVolumeSource": {
        "p": {"portals": {"t": "a"}, "secretRef": "api.core.v1.LocalObjectReference"}
    },
    "api.core.v1.KeyToPath": {},
    "api.core.v1.Lifecycle": {
        "p": {"postStart": "api.core.v1.Handler", "preStop": "api.core.v1.Handler"}
    },
    "api.core.v1.LimitRange": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.core.v1.LimitRangeSpec",
        }
    },
    "api.core.v1.LimitRangeItem": {
        "p": {
            "default": {"ap": "apimachinery.pkg.api.resource.Quantity"},
            "defaultRequest": {"ap": "apimachinery.pkg.api.resource.Quantity"},
            "max": {"ap": "apimachinery.pkg.api.resource.Quantity"},
            "maxLimitRequestRatio": {"ap": "apimachinery.pkg.api.resource.Quantity"},
            "min": {"ap": "apimachinery.pkg.api.resource.Quantity"},
        }
    },
    "api.core.v1.LimitRangeList": {
        "p": {
            "items": {"i": "api.core.v1.LimitRange", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.core.v1.LimitRangeSpec": {"p": {"limits": {"i": "api.core.v1.LimitRangeItem", "t": "a"}}},
    "api.core.v1.LoadBalancerIngress": {"p": {"ports": {"i": "api.core.v1.PortStatus", "t": "a"}}},
    "api.core.v1.LoadBalancerStatus": {
        "p": {"ingress": {"i": "api.core.v1.LoadBalancerIngress", "t": "a"}}
    },
    "api.core.v1.LocalObjectReference": {},
    "api.core.v1.LocalVolumeSource": {},
    "api.core.v1.NFSVolumeSource": {},
    "api.core.v1.Namespace": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.core.v1.NamespaceSpec",
            "status": "api.core.v1.NamespaceStatus",
        }
    },
    "api.core.v1.NamespaceCondition": {
        "p": {"lastTransitionTime": "apimachinery.pkg.apis.meta.v1.Time"}
    },
    "api.core.v1.NamespaceList": {
        "p": {
            "items": {"i": "api.core.v1.Namespace", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.core.v1.NamespaceSpec": {"p": {"finalizers": {"t": "a"}}},
    "api.core.v1.NamespaceStatus": {
        "p": {
            "conditions": {
                "i": "api.core.v1.NamespaceCondition",
                "k": ["type"],
                "s": "merge",
                "t": "a",
            }
        }
    },
    "api.core.v1.Node": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.core.v1.NodeSpec",
            "status": "api.core.v1.NodeStatus",
        }
    },
    "api.core.v1.NodeAddress": {},
    "api.core.v1.NodeAffinity": {
        "p": {
            "preferredDuringSchedulingIgnoredDuringExecution": {
                "i": "api.core.v1.PreferredSchedulingTerm",
                "t": "a",
            },
            "requiredDuringSchedulingIgnoredDuringExecution": "api.core.v1.NodeSelector",
        }
    },
    "api.core.v1.NodeCondition": {
        "p": {
            "lastHeartbeatTime": "apimachinery.pkg.apis.meta.v1.Time",
            "lastTransitionTime": "apimachinery.pkg.apis.meta.v1.Time",
        }
    },
    "api.core.v1.NodeConfigSource": {"p": {"configMap": "api.core.v1.ConfigMapNodeConfigSource"}},
    "api.core.v1.NodeConfigStatus": {
        "p": {
            "active": "api.core.v1.NodeConfigSource",
            "assigned": "api.core.v1.NodeConfigSource",
            "lastKnownGood": "api.core.v1.NodeConfigSource",
        }
    },
    "api.core.v1.NodeDaemonEndpoints": {"p": {"kubeletEndpoint": "api.core.v1.DaemonEndpoint"}},
    "api.core.v1.NodeList": {
        "p": {
            "items": {"i": "api.core.v1.Node", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.core.v1.NodeSelector": {
        "p": {"nodeSelectorTerms": {"i": "api.core.v1.NodeSelectorTerm", "t": "a"}}
    },
    "api.core.v1.NodeSelectorRequirement": {"p": {"values": {"t": "a"}}},
    "api.core.v1.NodeSelectorTerm": {
        "p": {
            "matchExpressions": {"i": "api.core.v1.NodeSelectorRequirement", "t": "a"},
            "matchFields": {"i": "api.core.v1.NodeSelectorRequirement", "t": "a"},
        }
    },
    "api.core.v1.NodeSpec": {
        "p": {
            "configSource": "api.core.v1.NodeConfigSource",
            "podCIDRs": {"k": [], "s": "merge", "t": "a"},
            "taints": {"i": "api.core.v1.Taint", "t": "a"},
        }
    },
    "api.core.v1.NodeStatus": {
        "p": {
            "addresses": {"i": "api.core.v1.NodeAddress", "k": ["type"], "s": "merge", "t": "a"},
            "allocatable": {"ap": "apimachinery.pkg.api.resource.Quantity"},
            "capacity": {"ap": "apimachinery.pkg.api.resource.Quantity"},
            "conditions": {"i": "api.core.v1.NodeCondition", "k": ["type"], "s": "merge", "t": "a"},
            "config": "api.core.v1.NodeConfigStatus",
            "daemonEndpoints": "api.core.v1.NodeDaemonEndpoints",
            "images": {"i": "api.core.v1.ContainerImage", "t": "a"},
            "nodeInfo": "api.core.v1.NodeSystemInfo",
            "volumesAttached": {"i": "api.core.v1.AttachedVolume", "t": "a"},
            "volumesInUse": {"t": "a"},
        }
    },
    "api.core.v1.NodeSystemInfo": {},
    "api.core.v1.ObjectFieldSelector": {},
    "api.core.v1.ObjectReference": {},
    "api.core.v1.PersistentVolume": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.core.v1.PersistentVolumeSpec",
            "status": "api.core.v1.PersistentVolumeStatus",
        }
    },
    "api.core.v1.PersistentVolumeClaim": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.core.v1.PersistentVolumeClaimSpec",
            "status": "api.core.v1.PersistentVolumeClaimStatus",
        }
    },
    "api.core.v1.PersistentVolumeClaimCondition": {
        "p": {
            "lastProbeTime": "apimachinery.pkg.apis.meta.v1.Time",
            "lastTransitionTime": "apimachinery.pkg.apis.meta.v1.Time",
        }
    },
    "api.core.v1.PersistentVolumeClaimList": {
        "p": {
            "items": {"i": "api.core.v1.PersistentVolumeClaim", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.core.v1.PersistentVolumeClaimSpec": {
        "p": {
            "accessModes": {"t": "a"},
            "dataSource": "api.core.v1.TypedLocalObjectReference",
            "resources": "api.core.v1.ResourceRequirements",
            "selector": "apimachinery.pkg.apis.meta.v1.LabelSelector",
        }
    },
    "api.core.v1.PersistentVolumeClaimStatus": {
        "p": {
            "accessModes": {"t": "a"},
            "capacity": {"ap": "apimachinery.pkg.api.resource.Quantity"},
            "conditions": {
                "i": "api.core.v1.PersistentVolumeClaimCondition",
                "k": ["type"],
                "s": "merge",
                "t": "a",
            },
        }
    },
    "api.core.v1.PersistentVolumeClaimTemplate": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.core.v1.PersistentVolumeClaimSpec",
        }
    },
    "api.core.v1.PersistentVolumeClaimVolumeSource": {},
    "api.core.v1.PersistentVolumeList": {
        "p": {
            "items": {"i": "api.core.v1.PersistentVolume", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.core.v1.PersistentVolumeSpec": {
        "p": {
            "accessModes": {"t": "a"},
            "awsElasticBlockStore": "api.core.v1.AWSElasticBlockStoreVolumeSource",
            "azureDisk": "api.core.v1.AzureDiskVolumeSource",
            "azureFile": "api.core.v1.AzureFilePersistentVolumeSource",
            "capacity": {"ap": "apimachinery.pkg.api.resource.Quantity"},
            "cephfs": "api.core.v1.CephFSPersistentVolumeSource",
            "cinder": "api.core.v1.CinderPersistentVolumeSource",
            "claimRef": "api.core.v1.ObjectReference",
            "csi": "api.core.v1.CSIPersistentVolumeSource",
            "fc": "api.core.v1.FCVolumeSource",
            "flexVolume": "api.core.v1.FlexPersistentVolumeSource",
            "flocker": "api.core.v1.FlockerVolumeSource",
            "gcePersistentDisk": "api.core.v1.GCEPersistentDiskVolumeSource",
            "glusterfs": "api.core.v1.GlusterfsPersistentVolumeSource",
            "hostPath": "api.core.v1.HostPathVolumeSource",
            "iscsi": "api.core.v1.ISCSIPersistentVolumeSource",
            "local": "api.core.v1.LocalVolumeSource",
            "mountOptions": {"t": "a"},
            "nfs": "api.core.v1.NFSVolumeSource",
            "nodeAffinity": "api.core.v1.VolumeNodeAffinity",
            "photonPersistentDisk": "api.core.v1.PhotonPersistentDiskVolumeSource",
            "portworxVolume": "api.core.v1.PortworxVolumeSource",
            "quobyte": "api.core.v1.QuobyteVolumeSource",
            "rbd": "api.core.v1.RBDPersistentVolumeSource",
            "scaleIO": "api.core.v1.ScaleIOPersistentVolumeSource",
            "storageos": "api.core.v1.StorageOSPersistentVolumeSource",
            "vsphereVolume": "api.core.v1.VsphereVirtualDiskVolumeSource",
        }
    },
    "api.core.v1.PersistentVolumeStatus": {},
    "api.core.v1.PhotonPersistentDiskVolumeSource": {},
    "api.core.v1.Pod": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.core.v1.PodSpec",
            "status": "api.core.v1.PodStatus",
        }
    },
    "api.core.v1.PodAffinity": {
        "p": {
            "preferredDuringSchedulingIgnoredDuringExecution": {
                "i": "api.core.v1.WeightedPodAffinityTerm",
                "t": "a",
            },
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "i": "api.core.v1.PodAffinityTerm",
                "t": "a",
            },
        }
    },
    "api.core.v1.PodAffinityTerm": {
        "p": {
            "labelSelector": "apimachinery.pkg.apis.meta.v1.LabelSelector",
            "namespaceSelector": "apimachinery.pkg.apis.meta.v1.LabelSelector",
            "namespaces": {"t": "a"},
        }
    },
    "api.core.v1.PodAntiAffinity": {
        "p": {
            "preferredDuringSchedulingIgnoredDuringExecution": {
                "i": "api.core.v1.WeightedPodAffinityTerm",
                "t": "a",
            },
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "i": "api.core.v1.PodAffinityTerm",
                "t": "a",
            },
        }
    },
    "api.core.v1.PodCondition": {
        "p": {
            "lastProbeTime": "apimachinery.pkg.apis.meta.v1.Time",
            "lastTransitionTime": "apimachinery.pkg.apis.meta.v1.Time",
        }
    },
    "api.core.v1.PodDNSConfig": {
        "p": {
            "nameservers": {"t": "a"},
            "options": {"i": "api.core.v1.PodDNSConfigOption", "t": "a"},
            "searches": {"t": "a"},
        }
    },
    "api.core.v1.PodDNSConfigOption": {},
    "api.core.v1.PodIP": {},
    "api.core.v1.PodList": {
        "p": {
            "items": {"i": "api.core.v1.Pod", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.core.v1.PodReadinessGate": {},
    "api.core.v1.PodSecurityContext": {
        "p": {
            "seLinuxOptions": "api.core.v1.SELinuxOptions",
            "seccompProfile": "api.core.v1.SeccompProfile",
            "supplementalGroups": {"t": "a"},
            "sysctls": {"i": "api.core.v1.Sysctl", "t": "a"},
            "windowsOptions": "api.core.v1.WindowsSecurityContextOptions",
        }
    },
    "api.core.v1.PodSpec": {
        "p": {
            "affinity": "api.core.v1.Affinity",
            "containers": {"i": "api.core.v1.Container", "k": ["name"], "s": "merge", "t": "a"},
            "dnsConfig": "api.core.v1.PodDNSConfig",
            "ephemeralContainers": {
                "i": "api.core.v1.EphemeralContainer",
                "k": ["name"],
                "s": "merge",
                "t": "a",
            },
            "hostAliases": {"i": "api.core.v1.HostAlias", "k": ["ip"], "s": "merge", "t": "a"},
            "imagePullSecrets": {
                "i": "api.core.v1.LocalObjectReference",
                "k": ["name"],
                "s": "merge",
                "t": "a",
            },
            "initContainers": {"i": "api.core.v1.Container", "k": ["name"], "s": "merge", "t": "a"},
            "nodeSelector": {"ap": 0},
            "overhead": {"ap": "apimachinery.pkg.api.resource.Quantity"},
            "readinessGates": {"i": "api.core.v1.PodReadinessGate", "t": "a"},
            "securityContext": "api.core.v1.PodSecurityContext",
            "tolerations": {"i": "api.core.v1.Toleration", "t": "a"},
            "topologySpreadConstraints": {
                "i": "api.core.v1.TopologySpreadConstraint",
                "k": ["topologyKey", "whenUnsatisfiable"],
                "s": "merge",
                "t": "a",
            },
            "volumes": {
                "i": "api.core.v1.Volume",
                "k": ["name"],
                "s": "merge,retainKeys",
                "t": "a",
            },
        }
    },
    "api.core.v1.PodStatus": {
        "p": {
            "conditions": {"i": "api.core.v1.PodCondition", "k": ["type"], "s": "merge", "t": "a"},
            "containerStatuses": {"i": "api.core.v1.ContainerStatus", "t": "a"},
            "ephemeralContainerStatuses": {"i": "api.core.v1.ContainerStatus", "t": "a"},
            "initContainerStatuses": {"i": "api.core.v1.ContainerStatus", "t": "a"},
            "podIPs": {"i": "api.core.v1.PodIP", "k": ["ip"], "s": "merge", "t": "a"},
            "startTime": "apimachinery.pkg.apis.meta.v1.Time",
        }
    },
    "api.core.v1.PodTemplate": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "template": "api.core.v1.PodTemplateSpec",
        }
    },
    "api.core.v1.PodTemplateList": {
        "p": {
            "items": {"i": "api.core.v1.PodTemplate", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.core.v1.PodTemplateSpec": {
        "p": {"metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta", "spec": "api.core.v1.PodSpec"}
    },
    "api.core.v1.PortStatus": {},
    "api.core.v1.PortworxVolumeSource": {},
    "api.core.v1.PreferredSchedulingTerm": {"p": {"preference": "api.core.v1.NodeSelectorTerm"}},
    "api.core.v1.Probe": {
        "p": {
            "exec": "api.core.v1.ExecAction",
            "httpGet": "api.core.v1.HTTPGetAction",
            "tcpSocket": "api.core.v1.TCPSocketAction",
        }
    },
    "api.core.v1.ProjectedVolumeSource": {
        "p": {"sources": {"i": "api.core.v1.VolumeProjection", "t": "a"}}
    },
    "api.core.v1.QuobyteVolumeSource": {},
    "api.core.v1.RBDPersistentVolumeSource": {
        "p": {"monitors": {"t": "a"}, "secretRef": "api.core.v1.SecretReference"}
    },
    "api.core.v1.RBDVolumeSource": {
        "p": {"monitors": {"t": "a"}, "secretRef": "api.core.v1.LocalObjectReference"}
    },
    "api.core.v1.ReplicationController": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.core.v1.ReplicationControllerSpec",
            "status": "api.core.v1.ReplicationControllerStatus",
        }
    },
    "api.core.v1.ReplicationControllerCondition": {
        "p": {"lastTransitionTime": "apimachinery.pkg.apis.meta.v1.Time"}
    },
    "api.core.v1.ReplicationControllerList": {
        "p": {
            "items": {"i": "api.core.v1.ReplicationController", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.core.v1.ReplicationControllerSpec": {
        "p": {"selector": {"ap": 0}, "template": "api.core.v1.PodTemplateSpec"}
    },
    "api.core.v1.ReplicationControllerStatus": {
        "p": {
            "conditions": {
                "i": "api.core.v1.ReplicationControllerCondition",
                "k": ["type"],
                "s": "merge",
                "t": "a",
            }
        }
    },
    "api.core.v1.ResourceFieldSelector": {
        "p": {"divisor": "apimachinery.pkg.api.resource.Quantity"}
    },
    "api.core.v1.ResourceQuota": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.core.v1.ResourceQuotaSpec",
            "status": "api.core.v1.ResourceQuotaStatus",
        }
    },
    "api.core.v1.ResourceQuotaList": {
        "p": {
            "items": {"i": "api.core.v1.ResourceQuota", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.core.v1.ResourceQuotaSpec": {
        "p": {
            "hard": {"ap": "apimachinery.pkg.api.resource.Quantity"},
            "scopeSelector": "api.core.v1.ScopeSelector",
            "scopes": {"t": "a"},
        }
    },
    "api.core.v1.ResourceQuotaStatus": {
        "p": {
            "hard": {"ap": "apimachinery.pkg.api.resource.Quantity"},
            "used": {"ap": "apimachinery.pkg.api.resource.Quantity"},
        }
    },
    "api.core.v1.ResourceRequirements": {
        "p": {
            "limits": {"ap": "apimachinery.pkg.api.resource.Quantity"},
            "requests": {"ap": "apimachinery.pkg.api.resource.Quantity"},
        }
    },
    "api.core.v1.SELinuxOptions": {},
    "api.core.v1.ScaleIOPersistentVolumeSource": {
        "p": {"secretRef": "api.core.v1.SecretReference"}
    },
    "api.core.v1.ScaleIOVolumeSource": {"p": {"secretRef": "api.core.v1.LocalObjectReference"}},
    "api.core.v1.ScopeSelector": {
        "p": {"matchExpressions": {"i": "api.core.v1.ScopedResourceSelectorRequirement", "t": "a"}}
    },
    "api.core.v1.ScopedResourceSelectorRequirement": {"p": {"values": {"t": "a"}}},
    "api.core.v1.SeccompProfile": {},
    "api.core.v1.Secret": {
        "p": {
            "data": {"ap": 0},
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "stringData": {"ap": 0},
        }
    },
    "api.core.v1.SecretEnvSource": {},
    "api.core.v1.SecretKeySelector": {},
    "api.core.v1.SecretList": {
        "p": {
            "items": {"i": "api.core.v1.Secret", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.core.v1.SecretProjection": {"p": {"items": {"i": "api.core.v1.KeyToPath", "t": "a"}}},
    "api.core.v1.SecretReference": {},
    "api.core.v1.SecretVolumeSource": {"p": {"items": {"i": "api.core.v1.KeyToPath", "t": "a"}}},
    "api.core.v1.SecurityContext": {
        "p": {
            "capabilities": "api.core.v1.Capabilities",
            "seLinuxOptions": "api.core.v1.SELinuxOptions",
            "seccompProfile": "api.core.v1.SeccompProfile",
            "windowsOptions": "api.core.v1.WindowsSecurityContextOptions",
        }
    },
    "api.core.v1.Service": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.core.v1.ServiceSpec",
            "status": "api.core.v1.ServiceStatus",
        }
    },
    "api.core.v1.ServiceAccount": {
        "p": {
            "imagePullSecrets": {"i": "api.core.v1.LocalObjectReference", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "secrets": {"i": "api.core.v1.ObjectReference", "k": ["name"], "s": "merge", "t": "a"},
        }
    },
    "api.core.v1.ServiceAccountList": {
        "p": {
            "items": {"i": "api.core.v1.ServiceAccount", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.core.v1.ServiceAccountTokenProjection": {},
    "api.core.v1.ServiceList": {
        "p": {
            "items": {"i": "api.core.v1.Service", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.core.v1.ServicePort": {"p": {"targetPort": "apimachinery.pkg.util.intstr.IntOrString"}},
    "api.core.v1.ServiceSpec": {
        "p": {
            "clusterIPs": {"t": "a"},
            "externalIPs": {"t": "a"},
            "ipFamilies": {"t": "a"},
            "loadBalancerSourceRanges": {"t": "a"},
            "ports": {
                "i": "api.core.v1.ServicePort",
                "k": ["port", "protocol"],
                "s": "merge",
                "t": "a",
            },
            "selector": {"ap": 0},
            "sessionAffinityConfig": "api.core.v1.SessionAffinityConfig",
            "topologyKeys": {"t": "a"},
        }
    },
    "api.core.v1.ServiceStatus": {
        "p": {
            "conditions": {
                "i": "apimachinery.pkg.apis.meta.v1.Condition",
                "k": ["type"],
                "s": "merge",
                "t": "a",
            },
            "loadBalancer": "api.core.v1.LoadBalancerStatus",
        }
    },
    "api.core.v1.SessionAffinityConfig": {"p": {"clientIP": "api.core.v1.ClientIPConfig"}},
    "api.core.v1.StorageOSPersistentVolumeSource": {
        "p": {"secretRef": "api.core.v1.ObjectReference"}
    },
    "api.core.v1.StorageOSVolumeSource": {"p": {"secretRef": "api.core.v1.LocalObjectReference"}},
    "api.core.v1.Sysctl": {},
    "api.core.v1.TCPSocketAction": {"p": {"port": "apimachinery.pkg.util.intstr.IntOrString"}},
    "api.core.v1.Taint": {"p": {"timeAdded": "apimachinery.pkg.apis.meta.v1.Time"}},
    "api.core.v1.Toleration": {},
    "api.core.v1.TopologySelectorLabelRequirement": {"p": {"values": {"t": "a"}}},
    "api.core.v1.TopologySelectorTerm": {
        "p": {
            "matchLabelExpressions": {"i": "api.core.v1.TopologySelectorLabelRequirement", "t": "a"}
        }
    },
    "api.core.v1.TopologySpreadConstraint": {
        "p": {"labelSelector": "apimachinery.pkg.apis.meta.v1.LabelSelector"}
    },
    "api.core.v1.TypedLocalObjectReference": {},
    "api.core.v1.Volume": {
        "p": {
            "awsElasticBlockStore": "api.core.v1.AWSElasticBlockStoreVolumeSource",
            "azureDisk": "api.core.v1.AzureDiskVolumeSource",
            "azureFile": "api.core.v1.AzureFileVolumeSource",
            "cephfs": "api.core.v1.CephFSVolumeSource",
            "cinder": "api.core.v1.CinderVolumeSource",
            "configMap": "api.core.v1.ConfigMapVolumeSource",
            "csi": "api.core.v1.CSIVolumeSource",
            "downwardAPI": "api.core.v1.DownwardAPIVolumeSource",
            "emptyDir": "api.core.v1.EmptyDirVolumeSource",
            "ephemeral": "api.core.v1.EphemeralVolumeSource",
            "fc": "api.core.v1.FCVolumeSource",
            "flexVolume": "api.core.v1.FlexVolumeSource",
            "flocker": "api.core.v1.FlockerVolumeSource",
            "gcePersistentDisk": "api.core.v1.GCEPersistentDiskVolumeSource",
            "gitRepo": "api.core.v1.GitRepoVolumeSource",
            "glusterfs": "api.core.v1.GlusterfsVolumeSource",
            "hostPath": "api.core.v1.HostPathVolumeSource",
            "iscsi": "api.core.v1.ISCSIVolumeSource",
            "nfs": "api.core.v1.NFSVolumeSource",
            "persistentVolumeClaim": "api.core.v1.PersistentVolumeClaimVolumeSource",
            "photonPersistentDisk": "api.core.v1.PhotonPersistentDiskVolumeSource",
            "portworxVolume": "api.core.v1.PortworxVolumeSource",
            "projected": "api.core.v1.ProjectedVolumeSource",
            "quobyte": "api.core.v1.QuobyteVolumeSource",
            "rbd": "api.core.v1.RBDVolumeSource",
            "scaleIO": "api.core.v1.ScaleIOVolumeSource",
            "secret": "api.core.v1.SecretVolumeSource",
            "storageos": "api.core.v1.StorageOSVolumeSource",
            "vsphereVolume": "api.core.v1.VsphereVirtualDiskVolumeSource",
        }
    },
    "api.core.v1.VolumeDevice": {},
    "api.core.v1.VolumeMount": {},
    "api.core.v1.VolumeNodeAffinity": {"p": {"required": "api.core.v1.NodeSelector"}},
    "api.core.v1.VolumeProjection": {
        "p": {
            "configMap": "api.core.v1.ConfigMapProjection",
            "downwardAPI": "api.core.v1.DownwardAPIProjection",
            "secret": "api.core.v1.SecretProjection",
            "serviceAccountToken": "api.core.v1.ServiceAccountTokenProjection",
        }
    },
    "api.core.v1.VsphereVirtualDiskVolumeSource": {},
    "api.core.v1.WeightedPodAffinityTerm": {
        "p": {"podAffinityTerm": "api.core.v1.PodAffinityTerm"}
    },
    "api.core.v1.WindowsSecurityContextOptions": {},
    "api.discovery.v1.Endpoint": {
        "p": {
            "addresses": {"t": "a"},
            "conditions": "api.discovery.v1.EndpointConditions",
            "deprecatedTopology": {"ap": 0},
            "hints": "api.discovery.v1.EndpointHints",
            "targetRef": "api.core.v1.ObjectReference",
        }
    },
    "api.discovery.v1.EndpointConditions": {},
    "api.discovery.v1.EndpointHints": {
        "p": {"forZones": {"i": "api.discovery.v1.ForZone", "t": "a"}}
    },
    "api.discovery.v1.EndpointPort": {},
    "api.discovery.v1.EndpointSlice": {
        "p": {
            "endpoints": {"i": "api.discovery.v1.Endpoint", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "ports": {"i": "api.discovery.v1.EndpointPort", "t": "a"},
        }
    },
    "api.discovery.v1.EndpointSliceList": {
        "p": {
            "items": {"i": "api.discovery.v1.EndpointSlice", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.discovery.v1.ForZone": {},
    "api.discovery.v1beta1.Endpoint": {
        "p": {
            "addresses": {"t": "a"},
            "conditions": "api.discovery.v1beta1.EndpointConditions",
            "hints": "api.discovery.v1beta1.EndpointHints",
            "targetRef": "api.core.v1.ObjectReference",
            "topology": {"ap": 0},
        }
    },
    "api.discovery.v1beta1.EndpointConditions": {},
    "api.discovery.v1beta1.EndpointHints": {
        "p": {"forZones": {"i": "api.discovery.v1beta1.ForZone", "t": "a"}}
    },
    "api.discovery.v1beta1.EndpointPort": {},
    "api.discovery.v1beta1.EndpointSlice": {
        "p": {
            "endpoints": {"i": "api.discovery.v1beta1.Endpoint", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "ports": {"i": "api.discovery.v1beta1.EndpointPort", "t": "a"},
        }
    },
    "api.discovery.v1beta1.EndpointSliceList": {
        "p": {
            "items": {"i": "api.discovery.v1beta1.EndpointSlice", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.discovery.v1beta1.ForZone": {},
    "api.events.v1.Event": {
        "p": {
            "deprecatedFirstTimestamp": "apimachinery.pkg.apis.meta.v1.Time",
            "deprecatedLastTimestamp": "apimachinery.pkg.apis.meta.v1.Time",
            "deprecatedSource": "api.core.v1.EventSource",
            "eventTime": "apimachinery.pkg.apis.meta.v1.MicroTime",
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "regarding": "api.core.v1.ObjectReference",
            "related": "api.core.v1.ObjectReference",
            "series": "api.events.v1.EventSeries",
        }
    },
    "api.events.v1.EventList": {
        "p": {
            "items": {"i": "api.events.v1.Event", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.events.v1.EventSeries": {
        "p": {"lastObservedTime": "apimachinery.pkg.apis.meta.v1.MicroTime"}
    },
    "api.events.v1beta1.Event": {
        "p": {
            "deprecatedFirstTimestamp": "apimachinery.pkg.apis.meta.v1.Time",
            "deprecatedLastTimestamp": "apimachinery.pkg.apis.meta.v1.Time",
            "deprecatedSource": "api.core.v1.EventSource",
            "eventTime": "apimachinery.pkg.apis.meta.v1.MicroTime",
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "regarding": "api.core.v1.ObjectReference",
            "related": "api.core.v1.ObjectReference",
            "series": "api.events.v1beta1.EventSeries",
        }
    },
    "api.events.v1beta1.EventList": {
        "p": {
            "items": {"i": "api.events.v1beta1.Event", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.events.v1beta1.EventSeries": {
        "p": {"lastObservedTime": "apimachinery.pkg.apis.meta.v1.MicroTime"}
    },
    "api.extensions.v1beta1.HTTPIngressPath": {
        "p": {"backend": "api.extensions.v1beta1.IngressBackend"}
    },
    "api.extensions.v1beta1.HTTPIngressRuleValue": {
        "p": {"paths": {"i": "api.extensions.v1beta1.HTTPIngressPath", "t": "a"}}
    },
    "api.extensions.v1beta1.Ingress": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.extensions.v1beta1.IngressSpec",
            "status": "api.extensions.v1beta1.IngressStatus",
        }
    },
    "api.extensions.v1beta1.IngressBackend": {
        "p": {
            "resource": "api.core.v1.TypedLocalObjectReference",
            "servicePort": "apimachinery.pkg.util.intstr.IntOrString",
        }
    },
    "api.extensions.v1beta1.IngressList": {
        "p": {
            "items": {"i": "api.extensions.v1beta1.Ingress", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.extensions.v1beta1.IngressRule": {
        "p": {"http": "api.extensions.v1beta1.HTTPIngressRuleValue"}
    },
    "api.extensions.v1beta1.IngressSpec": {
        "p": {
            "backend": "api.extensions.v1beta1.IngressBackend",
            "rules": {"i": "api.extensions.v1beta1.IngressRule", "t": "a"},
            "tls": {"i": "api.extensions.v1beta1.IngressTLS", "t": "a"},
        }
    },
    "api.extensions.v1beta1.IngressStatus": {
        "p": {"loadBalancer": "api.core.v1.LoadBalancerStatus"}
    },
    "api.extensions.v1beta1.IngressTLS": {"p": {"hosts": {"t": "a"}}},
    "api.flowcontrol.v1beta1.FlowDistinguisherMethod": {},
    "api.flowcontrol.v1beta1.FlowSchema": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.flowcontrol.v1beta1.FlowSchemaSpec",
            "status": "api.flowcontrol.v1beta1.FlowSchemaStatus",
        }
    },
    "api.flowcontrol.v1beta1.FlowSchemaCondition": {
        "p": {"lastTransitionTime": "apimachinery.pkg.apis.meta.v1.Time"}
    },
    "api.flowcontrol.v1beta1.FlowSchemaList": {
        "p": {
            "items": {"i": "api.flowcontrol.v1beta1.FlowSchema", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.flowcontrol.v1beta1.FlowSchemaSpec": {
        "p": {
            "distinguisherMethod": "api.flowcontrol.v1beta1.FlowDistinguisherMethod",
            "priorityLevelConfiguration": "api.flowcontrol.v1beta1.PriorityLevelConfigurationReference",
            "rules": {"i": "api.flowcontrol.v1beta1.PolicyRulesWithSubjects", "t": "a"},
        }
    },
    "api.flowcontrol.v1beta1.FlowSchemaStatus": {
        "p": {"conditions": {"i": "api.flowcontrol.v1beta1.FlowSchemaCondition", "t": "a"}}
    },
    "api.flowcontrol.v1beta1.GroupSubject": {},
    "api.flowcontrol.v1beta1.LimitResponse": {
        "p": {"queuing": "api.flowcontrol.v1beta1.QueuingConfiguration"}
    },
    "api.flowcontrol.v1beta1.LimitedPriorityLevelConfiguration": {
        "p": {"limitResponse": "api.flowcontrol.v1beta1.LimitResponse"}
    },
    "api.flowcontrol.v1beta1.NonResourcePolicyRule": {
        "p": {"nonResourceURLs": {"t": "a"}, "verbs": {"t": "a"}}
    },
    "api.flowcontrol.v1beta1.PolicyRulesWithSubjects": {
        "p": {
            "nonResourceRules": {"i": "api.flowcontrol.v1beta1.NonResourcePolicyRule", "t": "a"},
            "resourceRules": {"i": "api.flowcontrol.v1beta1.ResourcePolicyRule", "t": "a"},
            "subjects": {"i": "api.flowcontrol.v1beta1.Subject", "t": "a"},
        }
    },
    "api.flowcontrol.v1beta1.PriorityLevelConfiguration": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.flowcontrol.v1beta1.PriorityLevelConfigurationSpec",
            "status": "api.flowcontrol.v1beta1.PriorityLevelConfigurationStatus",
        }
    },
    "api.flowcontrol.v1beta1.PriorityLevelConfigurationCondition": {
        "p": {"lastTransitionTime": "apimachinery.pkg.apis.meta.v1.Time"}
    },
    "api.flowcontrol.v1beta1.PriorityLevelConfigurationList": {
        "p": {
            "items": {"i": "api.flowcontrol.v1beta1.PriorityLevelConfiguration", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.flowcontrol.v1beta1.PriorityLevelConfigurationReference": {},
    "api.flowcontrol.v1beta1.PriorityLevelConfigurationSpec": {
        "p": {"limited": "api.flowcontrol.v1beta1.LimitedPriorityLevelConfiguration"}
    },
    "api.flowcontrol.v1beta1.PriorityLevelConfigurationStatus": {
        "p": {
            "conditions": {
                "i": "api.flowcontrol.v1beta1.PriorityLevelConfigurationCondition",
                "t": "a",
            }
        }
    },
    "api.flowcontrol.v1beta1.QueuingConfiguration": {},
    "api.flowcontrol.v1beta1.ResourcePolicyRule": {
        "p": {
            "apiGroups": {"t": "a"},
            "namespaces": {"t": "a"},
            "resources": {"t": "a"},
            "verbs": {"t": "a"},
        }
    },
    "api.flowcontrol.v1beta1.ServiceAccountSubject": {},
    "api.flowcontrol.v1beta1.Subject": {
        "p": {
            "group": "api.flowcontrol.v1beta1.GroupSubject",
            "serviceAccount": "api.flowcontrol.v1beta1.ServiceAccountSubject",
            "user": "api.flowcontrol.v1beta1.UserSubject",
        }
    },
    "api.flowcontrol.v1beta1.UserSubject": {},
    "api.networking.v1.HTTPIngressPath": {"p": {"backend": "api.networking.v1.IngressBackend"}},
    "api.networking.v1.HTTPIngressRuleValue": {
        "p": {"paths": {"i": "api.networking.v1.HTTPIngressPath", "t": "a"}}
    },
    "api.networking.v1.IPBlock": {"p": {"except": {"t": "a"}}},
    "api.networking.v1.Ingress": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.networking.v1.IngressSpec",
            "status": "api.networking.v1.IngressStatus",
        }
    },
    "api.networking.v1.IngressBackend": {
        "p": {
            "resource": "api.core.v1.TypedLocalObjectReference",
            "service": "api.networking.v1.IngressServiceBackend",
        }
    },
    "api.networking.v1.IngressClass": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.networking.v1.IngressClassSpec",
        }
    },
    "api.networking.v1.IngressClassList": {
        "p": {
            "items": {"i": "api.networking.v1.IngressClass", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.networking.v1.IngressClassParametersReference": {},
    "api.networking.v1.IngressClassSpec": {
        "p": {"parameters": "api.networking.v1.IngressClassParametersReference"}
    },
    "api.networking.v1.IngressList": {
        "p": {
            "items": {"i": "api.networking.v1.Ingress", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.networking.v1.IngressRule": {"p": {"http": "api.networking.v1.HTTPIngressRuleValue"}},
    "api.networking.v1.IngressServiceBackend": {
        "p": {"port": "api.networking.v1.ServiceBackendPort"}
    },
    "api.networking.v1.IngressSpec": {
        "p": {
            "defaultBackend": "api.networking.v1.IngressBackend",
            "rules": {"i": "api.networking.v1.IngressRule", "t": "a"},
            "tls": {"i": "api.networking.v1.IngressTLS", "t": "a"},
        }
    },
    "api.networking.v1.IngressStatus": {"p": {"loadBalancer": "api.core.v1.LoadBalancerStatus"}},
    "api.networking.v1.IngressTLS": {"p": {"hosts": {"t": "a"}}},
    "api.networking.v1.NetworkPolicy": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.networking.v1.NetworkPolicySpec",
        }
    },
    "api.networking.v1.NetworkPolicyEgressRule": {
        "p": {
            "ports": {"i": "api.networking.v1.NetworkPolicyPort", "t": "a"},
            "to": {"i": "api.networking.v1.NetworkPolicyPeer", "t": "a"},
        }
    },
    "api.networking.v1.NetworkPolicyIngressRule": {
        "p": {
            "from": {"i": "api.networking.v1.NetworkPolicyPeer", "t": "a"},
            "ports": {"i": "api.networking.v1.NetworkPolicyPort", "t": "a"},
        }
    },
    "api.networking.v1.NetworkPolicyList": {
        "p": {
            "items": {"i": "api.networking.v1.NetworkPolicy", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.networking.v1.NetworkPolicyPeer": {
        "p": {
            "ipBlock": "api.networking.v1.IPBlock",
            "namespaceSelector": "apimachinery.pkg.apis.meta.v1.LabelSelector",
            "podSelector": "apimachinery.pkg.apis.meta.v1.LabelSelector",
        }
    },
    "api.networking.v1.NetworkPolicyPort": {
        "p": {"port": "apimachinery.pkg.util.intstr.IntOrString"}
    },
    "api.networking.v1.NetworkPolicySpec": {
        "p": {
            "egress": {"i": "api.networking.v1.NetworkPolicyEgressRule", "t": "a"},
            "ingress": {"i": "api.networking.v1.NetworkPolicyIngressRule", "t": "a"},
            "podSelector": "apimachinery.pkg.apis.meta.v1.LabelSelector",
            "policyTypes": {"t": "a"},
        }
    },
    "api.networking.v1.ServiceBackendPort": {},
    "api.networking.v1beta1.HTTPIngressPath": {
        "p": {"backend": "api.networking.v1beta1.IngressBackend"}
    },
    "api.networking.v1beta1.HTTPIngressRuleValue": {
        "p": {"paths": {"i": "api.networking.v1beta1.HTTPIngressPath", "t": "a"}}
    },
    "api.networking.v1beta1.Ingress": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.networking.v1beta1.IngressSpec",
            "status": "api.networking.v1beta1.IngressStatus",
        }
    },
    "api.networking.v1beta1.IngressBackend": {
        "p": {
            "resource": "api.core.v1.TypedLocalObjectReference",
            "servicePort": "apimachinery.pkg.util.intstr.IntOrString",
        }
    },
    "api.networking.v1beta1.IngressClass": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.networking.v1beta1.IngressClassSpec",
        }
    },
    "api.networking.v1beta1.IngressClassList": {
        "p": {
            "items": {"i": "api.networking.v1beta1.IngressClass", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.networking.v1beta1.IngressClassParametersReference": {},
    "api.networking.v1beta1.IngressClassSpec": {
        "p": {"parameters": "api.networking.v1beta1.IngressClassParametersReference"}
    },
    "api.networking.v1beta1.IngressList": {
        "p": {
            "items": {"i": "api.networking.v1beta1.Ingress", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.networking.v1beta1.IngressRule": {
        "p": {"http": "api.networking.v1beta1.HTTPIngressRuleValue"}
    },
    "api.networking.v1beta1.IngressSpec": {
        "p": {
            "backend": "api.networking.v1beta1.IngressBackend",
            "rules": {"i": "api.networking.v1beta1.IngressRule", "t": "a"},
            "tls": {"i": "api.networking.v1beta1.IngressTLS", "t": "a"},
        }
    },
    "api.networking.v1beta1.IngressStatus": {
        "p": {"loadBalancer": "api.core.v1.LoadBalancerStatus"}
    },
    "api.networking.v1beta1.IngressTLS": {"p": {"hosts": {"t": "a"}}},
    "api.node.v1.Overhead": {"p": {"podFixed": {"ap": "apimachinery.pkg.api.resource.Quantity"}}},
    "api.node.v1.RuntimeClass": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "overhead": "api.node.v1.Overhead",
            "scheduling": "api.node.v1.Scheduling",
        }
    },
    "api.node.v1.RuntimeClassList": {
        "p": {
            "items": {"i": "api.node.v1.RuntimeClass", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.node.v1.Scheduling": {
        "p": {"nodeSelector": {"ap": 0}, "tolerations": {"i": "api.core.v1.Toleration", "t": "a"}}
    },
    "api.node.v1beta1.Overhead": {
        "p": {"podFixed": {"ap": "apimachinery.pkg.api.resource.Quantity"}}
    },
    "api.node.v1beta1.RuntimeClass": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "overhead": "api.node.v1beta1.Overhead",
            "scheduling": "api.node.v1beta1.Scheduling",
        }
    },
    "api.node.v1beta1.RuntimeClassList": {
        "p": {
            "items": {"i": "api.node.v1beta1.RuntimeClass", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.node.v1beta1.Scheduling": {
        "p": {"nodeSelector": {"ap": 0}, "tolerations": {"i": "api.core.v1.Toleration", "t": "a"}}
    },
    "api.policy.v1.PodDisruptionBudget": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.policy.v1.PodDisruptionBudgetSpec",
            "status": "api.policy.v1.PodDisruptionBudgetStatus",
        }
    },
    "api.policy.v1.PodDisruptionBudgetList": {
        "p": {
            "items": {"i": "api.policy.v1.PodDisruptionBudget", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.policy.v1.PodDisruptionBudgetSpec": {
        "p": {
            "maxUnavailable": "apimachinery.pkg.util.intstr.IntOrString",
            "minAvailable": "apimachinery.pkg.util.intstr.IntOrString",
            "selector": "apimachinery.pkg.apis.meta.v1.LabelSelector",
        }
    },
    "api.policy.v1.PodDisruptionBudgetStatus": {
        "p": {
            "conditions": {
                "i": "apimachinery.pkg.apis.meta.v1.Condition",
                "k": ["type"],
                "s": "merge",
                "t": "a",
            },
            "disruptedPods": {"ap": "apimachinery.pkg.apis.meta.v1.Time"},
        }
    },
    "api.policy.v1beta1.AllowedCSIDriver": {},
    "api.policy.v1beta1.AllowedFlexVolume": {},
    "api.policy.v1beta1.AllowedHostPath": {},
    "api.policy.v1beta1.Eviction": {
        "p": {
            "deleteOptions": "apimachinery.pkg.apis.meta.v1.DeleteOptions",
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
        }
    },
    "api.policy.v1beta1.FSGroupStrategyOptions": {
        "p": {"ranges": {"i": "api.policy.v1beta1.IDRange", "t": "a"}}
    },
    "api.policy.v1beta1.HostPortRange": {},
    "api.policy.v1beta1.IDRange": {},
    "api.policy.v1beta1.PodDisruptionBudget": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.policy.v1beta1.PodDisruptionBudgetSpec",
            "status": "api.policy.v1beta1.PodDisruptionBudgetStatus",
        }
    },
    "api.policy.v1beta1.PodDisruptionBudgetList": {
        "p": {
            "items": {"i": "api.policy.v1beta1.PodDisruptionBudget", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.policy.v1beta1.PodDisruptionBudgetSpec": {
        "p": {
            "maxUnavailable": "apimachinery.pkg.util.intstr.IntOrString",
            "minAvailable": "apimachinery.pkg.util.intstr.IntOrString",
            "selector": "apimachinery.pkg.apis.meta.v1.LabelSelector",
        }
    },
    "api.policy.v1beta1.PodDisruptionBudgetStatus": {
        "p": {
            "conditions": {
                "i": "apimachinery.pkg.apis.meta.v1.Condition",
                "k": ["type"],
                "s": "merge",
                "t": "a",
            },
            "disruptedPods": {"ap": "apimachinery.pkg.apis.meta.v1.Time"},
        }
    },
    "api.policy.v1beta1.PodSecurityPolicy": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.policy.v1beta1.PodSecurityPolicySpec",
        }
    },
    "api.policy.v1beta1.PodSecurityPolicyList": {
        "p": {
            "items": {"i": "api.policy.v1beta1.PodSecurityPolicy", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.policy.v1beta1.PodSecurityPolicySpec": {
        "p": {
            "allowedCSIDrivers": {"i": "api.policy.v1beta1.AllowedCSIDriver", "t": "a"},
            "allowedCapabilities": {"t": "a"},
            "allowedFlexVolumes": {"i": "api.policy.v1beta1.AllowedFlexVolume", "t": "a"},
            "allowedHostPaths": {"i": "api.policy.v1beta1.AllowedHostPath", "t": "a"},
            "allowedProcMountTypes": {"t": "a"},
            "allowedUnsafeSysctls": {"t": "a"},
            "defaultAddCapabilities": {"t": "a"},
            "forbiddenSysctls": {"t": "a"},
            "fsGroup": "api.policy.v1beta1.FSGroupStrategyOptions",
            "hostPorts": {"i": "api.policy.v1beta1.HostPortRange", "t": "a"},
            "requiredDropCapabilities": {"t": "a"},
            "runAsGroup": "api.policy.v1beta1.RunAsGroupStrategyOptions",
            "runAsUser": "api.policy.v1beta1.RunAsUserStrategyOptions",
            "runtimeClass": "api.policy.v1beta1.RuntimeClassStrategyOptions",
            "seLinux": "api.policy.v1beta1.SELinuxStrategyOptions",
            "supplementalGroups": "api.policy.v1beta1.SupplementalGroupsStrategyOptions",
            "volumes": {"t": "a"},
        }
    },
    "api.policy.v1beta1.RunAsGroupStrategyOptions": {
        "p": {"ranges": {"i": "api.policy.v1beta1.IDRange", "t": "a"}}
    },
    "api.policy.v1beta1.RunAsUserStrategyOptions": {
        "p": {"ranges": {"i": "api.policy.v1beta1.IDRange", "t": "a"}}
    },
    "api.policy.v1beta1.RuntimeClassStrategyOptions": {
        "p": {"allowedRuntimeClassNames": {"t": "a"}}
    },
    "api.policy.v1beta1.SELinuxStrategyOptions": {
        "p": {"seLinuxOptions": "api.core.v1.SELinuxOptions"}
    },
    "api.policy.v1beta1.SupplementalGroupsStrategyOptions": {
        "p": {"ranges": {"i": "api.policy.v1beta1.IDRange", "t": "a"}}
    },
    "api.rbac.v1.AggregationRule": {
        "p": {
            "clusterRoleSelectors": {"i": "apimachinery.pkg.apis.meta.v1.LabelSelector", "t": "a"}
        }
    },
    "api.rbac.v1.ClusterRole": {
        "p": {
            "aggregationRule": "api.rbac.v1.AggregationRule",
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "rules": {"i": "api.rbac.v1.PolicyRule", "t": "a"},
        }
    },
    "api.rbac.v1.ClusterRoleBinding": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "roleRef": "api.rbac.v1.RoleRef",
            "subjects": {"i": "api.rbac.v1.Subject", "t": "a"},
        }
    },
    "api.rbac.v1.ClusterRoleBindingList": {
        "p": {
            "items": {"i": "api.rbac.v1.ClusterRoleBinding", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.rbac.v1.ClusterRoleList": {
        "p": {
            "items": {"i": "api.rbac.v1.ClusterRole", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.rbac.v1.PolicyRule": {
        "p": {
            "apiGroups": {"t": "a"},
            "nonResourceURLs": {"t": "a"},
            "resourceNames": {"t": "a"},
            "resources": {"t": "a"},
            "verbs": {"t": "a"},
        }
    },
    "api.rbac.v1.Role": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "rules": {"i": "api.rbac.v1.PolicyRule", "t": "a"},
        }
    },
    "api.rbac.v1.RoleBinding": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "roleRef": "api.rbac.v1.RoleRef",
            "subjects": {"i": "api.rbac.v1.Subject", "t": "a"},
        }
    },
    "api.rbac.v1.RoleBindingList": {
        "p": {
            "items": {"i": "api.rbac.v1.RoleBinding", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.rbac.v1.RoleList": {
        "p": {
            "items": {"i": "api.rbac.v1.Role", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.rbac.v1.RoleRef": {},
    "api.rbac.v1.Subject": {},
    "api.rbac.v1beta1.AggregationRule": {
        "p": {
            "clusterRoleSelectors": {"i": "apimachinery.pkg.apis.meta.v1.LabelSelector", "t": "a"}
        }
    },
    "api.rbac.v1beta1.ClusterRole": {
        "p": {
            "aggregationRule": "api.rbac.v1beta1.AggregationRule",
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "rules": {"i": "api.rbac.v1beta1.PolicyRule", "t": "a"},
        }
    },
    "api.rbac.v1beta1.ClusterRoleBinding": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "roleRef": "api.rbac.v1beta1.RoleRef",
            "subjects": {"i": "api.rbac.v1beta1.Subject", "t": "a"},
        }
    },
    "api.rbac.v1beta1.ClusterRoleBindingList": {
        "p": {
            "items": {"i": "api.rbac.v1beta1.ClusterRoleBinding", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.rbac.v1beta1.ClusterRoleList": {
        "p": {
            "items": {"i": "api.rbac.v1beta1.ClusterRole", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.rbac.v1beta1.PolicyRule": {
        "p": {
            "apiGroups": {"t": "a"},
            "nonResourceURLs": {"t": "a"},
            "resourceNames": {"t": "a"},
            "resources": {"t": "a"},
            "verbs": {"t": "a"},
        }
    },
    "api.rbac.v1beta1.Role": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "rules": {"i": "api.rbac.v1beta1.PolicyRule", "t": "a"},
        }
    },
    "api.rbac.v1beta1.RoleBinding": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "roleRef": "api.rbac.v1beta1.RoleRef",
            "subjects": {"i": "api.rbac.v1beta1.Subject", "t": "a"},
        }
    },
    "api.rbac.v1beta1.RoleBindingList": {
        "p": {
            "items": {"i": "api.rbac.v1beta1.RoleBinding", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.rbac.v1beta1.RoleList": {
        "p": {
            "items": {"i": "api.rbac.v1beta1.Role", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.rbac.v1beta1.RoleRef": {},
    "api.rbac.v1beta1.Subject": {},
    "api.scheduling.v1.PriorityClass": {
        "p": {"metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta"}
    },
    "api.scheduling.v1.PriorityClassList": {
        "p": {
            "items": {"i": "api.scheduling.v1.PriorityClass", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.scheduling.v1beta1.PriorityClass": {
        "p": {"metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta"}
    },
    "api.scheduling.v1beta1.PriorityClassList": {
        "p": {
            "items": {"i": "api.scheduling.v1beta1.PriorityClass", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.storage.v1.CSIDriver": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.storage.v1.CSIDriverSpec",
        }
    },
    "api.storage.v1.CSIDriverList": {
        "p": {
            "items": {"i": "api.storage.v1.CSIDriver", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.storage.v1.CSIDriverSpec": {
        "p": {
            "tokenRequests": {"i": "api.storage.v1.TokenRequest", "t": "a"},
            "volumeLifecycleModes": {"t": "a"},
        }
    },
    "api.storage.v1.CSINode": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.storage.v1.CSINodeSpec",
        }
    },
    "api.storage.v1.CSINodeDriver": {
        "p": {"allocatable": "api.storage.v1.VolumeNodeResources", "topologyKeys": {"t": "a"}}
    },
    "api.storage.v1.CSINodeList": {
        "p": {
            "items": {"i": "api.storage.v1.CSINode", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.storage.v1.CSINodeSpec": {
        "p": {
            "drivers": {"i": "api.storage.v1.CSINodeDriver", "k": ["name"], "s": "merge", "t": "a"}
        }
    },
    "api.storage.v1.StorageClass": {
        "p": {
            "allowedTopologies": {"i": "api.core.v1.TopologySelectorTerm", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "mountOptions": {"t": "a"},
            "parameters": {"ap": 0},
        }
    },
    "api.storage.v1.StorageClassList": {
        "p": {
            "items": {"i": "api.storage.v1.StorageClass", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.storage.v1.TokenRequest": {},
    "api.storage.v1.VolumeAttachment": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.storage.v1.VolumeAttachmentSpec",
            "status": "api.storage.v1.VolumeAttachmentStatus",
        }
    },
    "api.storage.v1.VolumeAttachmentList": {
        "p": {
            "items": {"i": "api.storage.v1.VolumeAttachment", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.storage.v1.VolumeAttachmentSource": {
        "p": {"inlineVolumeSpec": "api.core.v1.PersistentVolumeSpec"}
    },
    "api.storage.v1.VolumeAttachmentSpec": {
        "p": {"source": "api.storage.v1.VolumeAttachmentSource"}
    },
    "api.storage.v1.VolumeAttachmentStatus": {
        "p": {
            "attachError": "api.storage.v1.VolumeError",
            "attachmentMetadata": {"ap": 0},
            "detachError": "api.storage.v1.VolumeError",
        }
    },
    "api.storage.v1.VolumeError": {"p": {"time": "apimachinery.pkg.apis.meta.v1.Time"}},
    "api.storage.v1.VolumeNodeResources": {},
    "api.storage.v1beta1.CSIDriver": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.storage.v1beta1.CSIDriverSpec",
        }
    },
    "api.storage.v1beta1.CSIDriverList": {
        "p": {
            "items": {"i": "api.storage.v1beta1.CSIDriver", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.storage.v1beta1.CSIDriverSpec": {
        "p": {
            "tokenRequests": {"i": "api.storage.v1beta1.TokenRequest", "t": "a"},
            "volumeLifecycleModes": {"t": "a"},
        }
    },
    "api.storage.v1beta1.CSINode": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.storage.v1beta1.CSINodeSpec",
        }
    },
    "api.storage.v1beta1.CSINodeDriver": {
        "p": {"allocatable": "api.storage.v1beta1.VolumeNodeResources", "topologyKeys": {"t": "a"}}
    },
    "api.storage.v1beta1.CSINodeList": {
        "p": {
            "items": {"i": "api.storage.v1beta1.CSINode", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.storage.v1beta1.CSINodeSpec": {
        "p": {
            "drivers": {
                "i": "api.storage.v1beta1.CSINodeDriver",
                "k": ["name"],
                "s": "merge",
                "t": "a",
            }
        }
    },
    "api.storage.v1beta1.CSIStorageCapacity": {
        "p": {
            "capacity": "apimachinery.pkg.api.resource.Quantity",
            "maximumVolumeSize": "apimachinery.pkg.api.resource.Quantity",
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "nodeTopology": "apimachinery.pkg.apis.meta.v1.LabelSelector",
        }
    },
    "api.storage.v1beta1.CSIStorageCapacityList": {
        "p": {
            "items": {"i": "api.storage.v1beta1.CSIStorageCapacity", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.storage.v1beta1.StorageClass": {
        "p": {
            "allowedTopologies": {"i": "api.core.v1.TopologySelectorTerm", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "mountOptions": {"t": "a"},
            "parameters": {"ap": 0},
        }
    },
    "api.storage.v1beta1.StorageClassList": {
        "p": {
            "items": {"i": "api.storage.v1beta1.StorageClass", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.storage.v1beta1.TokenRequest": {},
    "api.storage.v1beta1.VolumeAttachment": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "api.storage.v1beta1.VolumeAttachmentSpec",
            "status": "api.storage.v1beta1.VolumeAttachmentStatus",
        }
    },
    "api.storage.v1beta1.VolumeAttachmentList": {
        "p": {
            "items": {"i": "api.storage.v1beta1.VolumeAttachment", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "api.storage.v1beta1.VolumeAttachmentSource": {
        "p": {"inlineVolumeSpec": "api.core.v1.PersistentVolumeSpec"}
    },
    "api.storage.v1beta1.VolumeAttachmentSpec": {
        "p": {"source": "api.storage.v1beta1.VolumeAttachmentSource"}
    },
    "api.storage.v1beta1.VolumeAttachmentStatus": {
        "p": {
            "attachError": "api.storage.v1beta1.VolumeError",
            "attachmentMetadata": {"ap": 0},
            "detachError": "api.storage.v1beta1.VolumeError",
        }
    },
    "api.storage.v1beta1.VolumeError": {"p": {"time": "apimachinery.pkg.apis.meta.v1.Time"}},
    "api.storage.v1beta1.VolumeNodeResources": {},
    "apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceColumnDefinition": {},
    "apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceConversion": {
        "p": {"webhook": "apiextensions-apiserver.pkg.apis.apiextensions.v1.WebhookConversion"}
    },
    "apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionSpec",
            "status": "apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionStatus",
        }
    },
    "apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionCondition": {
        "p": {"lastTransitionTime": "apimachinery.pkg.apis.meta.v1.Time"}
    },
    "apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionList": {
        "p": {
            "items": {
                "i": "apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition",
                "t": "a",
            },
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionNames": {
        "p": {"categories": {"t": "a"}, "shortNames": {"t": "a"}}
    },
    "apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionSpec": {
        "p": {
            "conversion": "apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceConversion",
            "names": "apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionNames",
            "versions": {
                "i": "apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionVersion",
                "t": "a",
            },
        }
    },
    "apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionStatus": {
        "p": {
            "acceptedNames": "apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionNames",
            "conditions": {
                "i": "apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionCondition",
                "t": "a",
            },
            "storedVersions": {"t": "a"},
        }
    },
    "apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionVersion": {
        "p": {
            "additionalPrinterColumns": {
                "i": "apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceColumnDefinition",
                "t": "a",
            },
            "schema": "apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceValidation",
            "subresources": "apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceSubresources",
        }
    },
    "apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceSubresourceScale": {},
    "apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceSubresourceStatus": {},
    "apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceSubresources": {
        "p": {
            "scale": "apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceSubresourceScale",
            "status": "apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceSubresourceStatus",
        }
    },
    "apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceValidation": {
        "p": {
            "openAPIV3Schema": "apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps"
        }
    },
    "apiextensions-apiserver.pkg.apis.apiextensions.v1.ExternalDocumentation": {},
    "apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON": {},
    "apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps": {
        "p": {
            "additionalItems": "apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool",
            "additionalProperties": "apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool",
            "allOf": {
                "i": "apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps",
                "t": "a",
            },
            "anyOf": {
                "i": "apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps",
                "t": "a",
            },
            "default": "apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON",
            "definitions": {
                "ap": "apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps"
            },
            "dependencies": {
                "ap": "apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray"
            },
            "enum": {"i": "apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON", "t": "a"},
            "example": "apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON",
            "externalDocs": "apiextensions-apiserver.pkg.apis.apiextensions.v1.ExternalDocumentation",
            "items": "apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray",
            "not": "apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps",
            "oneOf": {
                "i": "apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps",
                "t": "a",
            },
            "patternProperties": {
                "ap": "apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps"
            },
            "properties": {
                "ap": "apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps"
            },
            "required": {"t": "a"},
            "x-kubernetes-list-map-keys": {"t": "a"},
        }
    },
    "apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray": {},
    "apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool": {},
    "apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray": {},
    "apiextensions-apiserver.pkg.apis.apiextensions.v1.ServiceReference": {},
    "apiextensions-apiserver.pkg.apis.apiextensions.v1.WebhookClientConfig": {
        "p": {"service": "apiextensions-apiserver.pkg.apis.apiextensions.v1.ServiceReference"}
    },
    "apiextensions-apiserver.pkg.apis.apiextensions.v1.WebhookConversion": {
        "p": {
            "clientConfig": "apiextensions-apiserver.pkg.apis.apiextensions.v1.WebhookClientConfig",
            "conversionReviewVersions": {"t": "a"},
        }
    },
    "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.CustomResourceColumnDefinition": {},
    "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.CustomResourceConversion": {
        "p": {
            "conversionReviewVersions": {"t": "a"},
            "webhookClientConfig": "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.WebhookClientConfig",
        }
    },
    "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.CustomResourceDefinition": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.CustomResourceDefinitionSpec",
            "status": "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.CustomResourceDefinitionStatus",
        }
    },
    "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.CustomResourceDefinitionCondition": {
        "p": {"lastTransitionTime": "apimachinery.pkg.apis.meta.v1.Time"}
    },
    "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.CustomResourceDefinitionList": {
        "p": {
            "items": {
                "i": "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.CustomResourceDefinition",
                "t": "a",
            },
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.CustomResourceDefinitionNames": {
        "p": {"categories": {"t": "a"}, "shortNames": {"t": "a"}}
    },
    "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.CustomResourceDefinitionSpec": {
        "p": {
            "additionalPrinterColumns": {
                "i": "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.CustomResourceColumnDefinition",
                "t": "a",
            },
            "conversion": "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.CustomResourceConversion",
            "names": "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.CustomResourceDefinitionNames",
            "subresources": "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.CustomResourceSubresources",
            "validation": "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.CustomResourceValidation",
            "versions": {
                "i": "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.CustomResourceDefinitionVersion",
                "t": "a",
            },
        }
    },
    "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.CustomResourceDefinitionStatus": {
        "p": {
            "acceptedNames": "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.CustomResourceDefinitionNames",
            "conditions": {
                "i": "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.CustomResourceDefinitionCondition",
                "t": "a",
            },
            "storedVersions": {"t": "a"},
        }
    },
    "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.CustomResourceDefinitionVersion": {
        "p": {
            "additionalPrinterColumns": {
                "i": "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.CustomResourceColumnDefinition",
                "t": "a",
            },
            "schema": "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.CustomResourceValidation",
            "subresources": "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.CustomResourceSubresources",
        }
    },
    "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.CustomResourceSubresourceScale": {},
    "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.CustomResourceSubresourceStatus": {},
    "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.CustomResourceSubresources": {
        "p": {
            "scale": "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.CustomResourceSubresourceScale",
            "status": "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.CustomResourceSubresourceStatus",
        }
    },
    "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.CustomResourceValidation": {
        "p": {
            "openAPIV3Schema": "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.JSONSchemaProps"
        }
    },
    "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.ExternalDocumentation": {},
    "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.JSON": {},
    "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.JSONSchemaProps": {
        "p": {
            "additionalItems": "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.JSONSchemaPropsOrBool",
            "additionalProperties": "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.JSONSchemaPropsOrBool",
            "allOf": {
                "i": "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.JSONSchemaProps",
                "t": "a",
            },
            "anyOf": {
                "i": "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.JSONSchemaProps",
                "t": "a",
            },
            "default": "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.JSON",
            "definitions": {
                "ap": "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.JSONSchemaProps"
            },
            "dependencies": {
                "ap": "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.JSONSchemaPropsOrStringArray"
            },
            "enum": {"i": "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.JSON", "t": "a"},
            "example": "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.JSON",
            "externalDocs": "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.ExternalDocumentation",
            "items": "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.JSONSchemaPropsOrArray",
            "not": "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.JSONSchemaProps",
            "oneOf": {
                "i": "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.JSONSchemaProps",
                "t": "a",
            },
            "patternProperties": {
                "ap": "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.JSONSchemaProps"
            },
            "properties": {
                "ap": "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.JSONSchemaProps"
            },
            "required": {"t": "a"},
            "x-kubernetes-list-map-keys": {"t": "a"},
        }
    },
    "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.JSONSchemaPropsOrArray": {},
    "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.JSONSchemaPropsOrBool": {},
    "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.JSONSchemaPropsOrStringArray": {},
    "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.ServiceReference": {},
    "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.WebhookClientConfig": {
        "p": {"service": "apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.ServiceReference"}
    },
    "apimachinery.pkg.api.resource.Quantity": {},
    "apimachinery.pkg.apis.meta.v1.APIGroup": {
        "p": {
            "preferredVersion": "apimachinery.pkg.apis.meta.v1.GroupVersionForDiscovery",
            "serverAddressByClientCIDRs": {
                "i": "apimachinery.pkg.apis.meta.v1.ServerAddressByClientCIDR",
                "t": "a",
            },
            "versions": {"i": "apimachinery.pkg.apis.meta.v1.GroupVersionForDiscovery", "t": "a"},
        }
    },
    "apimachinery.pkg.apis.meta.v1.APIGroupList": {
        "p": {"groups": {"i": "apimachinery.pkg.apis.meta.v1.APIGroup", "t": "a"}}
    },
    "apimachinery.pkg.apis.meta.v1.APIResource": {
        "p": {"categories": {"t": "a"}, "shortNames": {"t": "a"}, "verbs": {"t": "a"}}
    },
    "apimachinery.pkg.apis.meta.v1.APIResourceList": {
        "p": {"resources": {"i": "apimachinery.pkg.apis.meta.v1.APIResource", "t": "a"}}
    },
    "apimachinery.pkg.apis.meta.v1.APIVersions": {
        "p": {
            "serverAddressByClientCIDRs": {
                "i": "apimachinery.pkg.apis.meta.v1.ServerAddressByClientCIDR",
                "t": "a",
            },
            "versions": {"t": "a"},
        }
    },
    "apimachinery.pkg.apis.meta.v1.Condition": {
        "p": {"lastTransitionTime": "apimachinery.pkg.apis.meta.v1.Time"}
    },
    "apimachinery.pkg.apis.meta.v1.DeleteOptions": {
        "p": {"dryRun": {"t": "a"}, "preconditions": "apimachinery.pkg.apis.meta.v1.Preconditions"}
    },
    "apimachinery.pkg.apis.meta.v1.FieldsV1": {},
    "apimachinery.pkg.apis.meta.v1.GroupVersionForDiscovery": {},
    "apimachinery.pkg.apis.meta.v1.LabelSelector": {
        "p": {
            "matchExpressions": {
                "i": "apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement",
                "t": "a",
            },
            "matchLabels": {"ap": 0},
        }
    },
    "apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement": {"p": {"values": {"t": "a"}}},
    "apimachinery.pkg.apis.meta.v1.ListMeta": {},
    "apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry": {
        "p": {
            "fieldsV1": "apimachinery.pkg.apis.meta.v1.FieldsV1",
            "time": "apimachinery.pkg.apis.meta.v1.Time",
        }
    },
    "apimachinery.pkg.apis.meta.v1.MicroTime": {},
    "apimachinery.pkg.apis.meta.v1.ObjectMeta": {
        "p": {
            "annotations": {"ap": 0},
            "creationTimestamp": "apimachinery.pkg.apis.meta.v1.Time",
            "deletionTimestamp": "apimachinery.pkg.apis.meta.v1.Time",
            "finalizers": {"k": [], "s": "merge", "t": "a"},
            "labels": {"ap": 0},
            "managedFields": {"i": "apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry", "t": "a"},
            "ownerReferences": {
                "i": "apimachinery.pkg.apis.meta.v1.OwnerReference",
                "k": ["uid"],
                "s": "merge",
                "t": "a",
            },
        }
    },
    "apimachinery.pkg.apis.meta.v1.OwnerReference": {},
    "apimachinery.pkg.apis.meta.v1.Preconditions": {},
    "apimachinery.pkg.apis.meta.v1.ServerAddressByClientCIDR": {},
    "apimachinery.pkg.apis.meta.v1.Status": {
        "p": {
            "details": "apimachinery.pkg.apis.meta.v1.StatusDetails",
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "apimachinery.pkg.apis.meta.v1.StatusCause": {},
    "apimachinery.pkg.apis.meta.v1.StatusDetails": {
        "p": {"causes": {"i": "apimachinery.pkg.apis.meta.v1.StatusCause", "t": "a"}}
    },
    "apimachinery.pkg.apis.meta.v1.Time": {},
    "apimachinery.pkg.apis.meta.v1.WatchEvent": {
        "p": {"object": "apimachinery.pkg.runtime.RawExtension"}
    },
    "apimachinery.pkg.runtime.RawExtension": {},
    "apimachinery.pkg.util.intstr.IntOrString": {},
    "kube-aggregator.pkg.apis.apiregistration.v1.APIService": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "kube-aggregator.pkg.apis.apiregistration.v1.APIServiceSpec",
            "status": "kube-aggregator.pkg.apis.apiregistration.v1.APIServiceStatus",
        }
    },
    "kube-aggregator.pkg.apis.apiregistration.v1.APIServiceCondition": {
        "p": {"lastTransitionTime": "apimachinery.pkg.apis.meta.v1.Time"}
    },
    "kube-aggregator.pkg.apis.apiregistration.v1.APIServiceList": {
        "p": {
            "items": {"i": "kube-aggregator.pkg.apis.apiregistration.v1.APIService", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "kube-aggregator.pkg.apis.apiregistration.v1.APIServiceSpec": {
        "p": {"service": "kube-aggregator.pkg.apis.apiregistration.v1.ServiceReference"}
    },
    "kube-aggregator.pkg.apis.apiregistration.v1.APIServiceStatus": {
        "p": {
            "conditions": {
                "i": "kube-aggregator.pkg.apis.apiregistration.v1.APIServiceCondition",
                "k": ["type"],
                "s": "merge",
                "t": "a",
            }
        }
    },
    "kube-aggregator.pkg.apis.apiregistration.v1.ServiceReference": {},
    "kube-aggregator.pkg.apis.apiregistration.v1beta1.APIService": {
        "p": {
            "metadata": "apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "spec": "kube-aggregator.pkg.apis.apiregistration.v1beta1.APIServiceSpec",
            "status": "kube-aggregator.pkg.apis.apiregistration.v1beta1.APIServiceStatus",
        }
    },
    "kube-aggregator.pkg.apis.apiregistration.v1beta1.APIServiceCondition": {
        "p": {"lastTransitionTime": "apimachinery.pkg.apis.meta.v1.Time"}
    },
    "kube-aggregator.pkg.apis.apiregistration.v1beta1.APIServiceList": {
        "p": {
            "items": {"i": "kube-aggregator.pkg.apis.apiregistration.v1beta1.APIService", "t": "a"},
            "metadata": "apimachinery.pkg.apis.meta.v1.ListMeta",
        }
    },
    "kube-aggregator.pkg.apis.apiregistration.v1beta1.APIServiceSpec": {
        "p": {"service": "kube-aggregator.pkg.apis.apiregistration.v1beta1.ServiceReference"}
    },
    "kube-aggregator.pkg.apis.apiregistration.v1beta1.APIServiceStatus": {
        "p": {
            "conditions": {
                "i": "kube-aggregator.pkg.apis.apiregistration.v1beta1.APIServiceCondition",
                "k": ["type"],
                "s": "merge",
                "t": "a",
            }
        }
    },
    "kube-aggregator.pkg.apis.apiregistration.v1beta1.ServiceReference": {},
}

__all__ = ["DEFINITIONS", "ROOTS"]
