// Package salesforce carries the metadata Tandem ships to a Salesforce org
// (force-app, deployed with sf project deploy), embedded so that the
// Salesforce sandbox builds its custom objects and fields from the same
// files and the two cannot drift.
package salesforce

import "embed"

// Objects is force-app/main/default/objects: one directory per object,
// an <Object>.object-meta.xml for a custom object and a fields/ directory
// of <Field>.field-meta.xml files.
//
//go:embed force-app/main/default/objects
var Objects embed.FS

// ObjectsDir is Objects' root directory.
const ObjectsDir = "force-app/main/default/objects"

// Workflows is force-app/main/default/workflows: <Object>.workflow-meta.xml
// files with the Outbound Message actions Tandem's flows fire.
//
//go:embed force-app/main/default/workflows
var Workflows embed.FS

// WorkflowsDir is Workflows' root directory.
const WorkflowsDir = "force-app/main/default/workflows"

// Flows is force-app/main/default/flows: the record-triggered flows that
// send the Outbound Messages, with their entry conditions (an
// opportunity only when won).
//
//go:embed force-app/main/default/flows
var Flows embed.FS

// FlowsDir is Flows' root directory.
const FlowsDir = "force-app/main/default/flows"
