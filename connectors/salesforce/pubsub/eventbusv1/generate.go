// Package eventbusv1 is the generated Go code of Salesforce's Pub/Sub API
// proto (package eventbus.v1). The generated files are committed, since CI
// has no protoc; regenerate with protoc 3.21, protoc-gen-go v1.36.12 and
// protoc-gen-go-grpc v1.6.0 on PATH.
package eventbusv1

//go:generate protoc --go_out=. --go_opt=paths=source_relative --go-grpc_out=. --go-grpc_opt=paths=source_relative pubsub_api.proto
