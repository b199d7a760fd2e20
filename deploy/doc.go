// Package deploy holds what users deploy next to Tandem: the container
// image (Dockerfile), compose.yaml, Kubernetes manifests (k8s/), the
// Salesforce metadata (salesforce/) and the NetSuite SuiteScripts
// (netsuite/, tested with Jest). It has no code; its tests lint those
// artifacts against Tandem's configuration and webhook contract.
package deploy
