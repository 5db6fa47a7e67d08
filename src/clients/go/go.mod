module github.com/tlsbroker/tlsbroker/src/clients/go

go 1.19

require (
	github.com/golang/protobuf v1.5.2
	golang.org/x/net v0.7.0
	golang.org/x/sys v0.0.0
	golang.org/x/text v0.0.0
	google.golang.org/genproto v0.0.0
	google.golang.org/grpc v1.33.3
	google.golang.org/protobuf v1.28.1
)
