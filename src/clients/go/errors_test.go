package tlsbroker

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/tlsbroker/tlsbroker/src/clients/go/tlsbrokerv1"
)

func TestResultError_VerifyFailure_IsCertificateVerificationErrorWithAlert(t *testing.T) {
	resp := &pb.ConnectResponse{
		Ret: -1, Error: pb.SslError_SSL_ERROR_SSL, Reason: "certificate verify failed",
		Verify: &pb.VerifyResult{Code: 62, Name: "X509_V_ERR_HOSTNAME_MISMATCH", Depth: 0},
		Alert:  &pb.Alert{Description: 42, Name: "bad_certificate", Level: pb.AlertLevel_ALERT_LEVEL_FATAL, Sent: true},
	}
	err := resultError("handshake", "example.com", resp)
	var verr *CertificateVerificationError
	if !errors.As(err, &verr) {
		t.Fatalf("got %T, want *CertificateVerificationError", err)
	}
	if verr.Code != 62 || verr.Name != "X509_V_ERR_HOSTNAME_MISMATCH" || verr.Reason != "certificate verify failed" {
		t.Errorf("got %+v", verr)
	}
	if verr.Alert == nil || verr.Alert.Description != 42 || !verr.Alert.Sent || !verr.Alert.Fatal {
		t.Errorf("alert %+v", verr.Alert)
	}
	for _, want := range []string{"example.com", "X509_V_ERR_HOSTNAME_MISMATCH", "62"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err, want)
		}
	}
}

func TestResultError_ReceivedAlert_IsAlertError(t *testing.T) {
	resp := &pb.ConnectResponse{
		Ret: -1, Error: pb.SslError_SSL_ERROR_SSL, Reason: "tlsv1 alert protocol version",
		Verify: &pb.VerifyResult{}, Alert: &pb.Alert{Description: 70, Name: "protocol_version", Level: pb.AlertLevel_ALERT_LEVEL_FATAL},
	}
	err := resultError("handshake", "example.com", resp)
	var aerr *AlertError
	if !errors.As(err, &aerr) {
		t.Fatalf("got %T, want *AlertError", err)
	}
	if aerr.Alert.Description != 70 || aerr.Alert.Sent || aerr.SSLError != sslErrorSSL {
		t.Errorf("got %+v", aerr)
	}
	if !strings.Contains(err.Error(), "received fatal alert protocol_version(70)") {
		t.Errorf("message %q", err)
	}
}

func TestResultError_SyscallWithoutAlert_WrapsUnexpectedEOF(t *testing.T) {
	resp := &pb.ConnectResponse{Ret: -1, Error: pb.SslError_SSL_ERROR_SYSCALL, Reason: "unexpected eof while reading"}
	err := resultError("read", "example.com", resp)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("got %v, want an error wrapping io.ErrUnexpectedEOF", err)
	}
}

func TestResultError_SslWithoutAlert_IsSSLError(t *testing.T) {
	resp := &pb.ConnectResponse{Ret: -1, Error: pb.SslError_SSL_ERROR_SSL, Reason: "decryption failed"}
	var serr *SSLError
	if err := resultError("read", "example.com", resp); !errors.As(err, &serr) || !strings.Contains(err.Error(), "SSL_ERROR_SSL") {
		t.Fatalf("got %T %v", err, err)
	}
}

func TestStatusError_EachCode_MapsToItsError(t *testing.T) {
	cases := []struct {
		code  codes.Code
		check func(error) bool
	}{
		{codes.PermissionDenied, func(err error) bool {
			var p *PermissionError
			return errors.As(err, &p) && !p.Unauthenticated && strings.Contains(err.Error(), `"p1"`)
		}},
		{codes.Unauthenticated, func(err error) bool {
			var p *PermissionError
			return errors.As(err, &p) && p.Unauthenticated
		}},
		{codes.Unavailable, func(err error) bool {
			return errors.Is(err, ErrBrokerUnavailable) && strings.Contains(err.Error(), "broker unavailable (broker:1)")
		}},
		{codes.DeadlineExceeded, func(err error) bool {
			var n net.Error
			return errors.Is(err, context.DeadlineExceeded) && errors.As(err, &n) && n.Timeout()
		}},
		{codes.ResourceExhausted, func(err error) bool {
			var b *BrokerError
			return errors.As(err, &b) && b.Code == codes.ResourceExhausted && !errors.Is(err, ErrBrokerUnavailable)
		}},
		{codes.InvalidArgument, func(err error) bool {
			var b *BrokerError
			return errors.As(err, &b) && strings.Contains(err.Error(), "the reason")
		}},
	}
	for _, c := range cases {
		err := statusError(status.Error(c.code, "the reason"), "broker:1", "p1", "example.com")
		if !c.check(err) {
			t.Errorf("%v: got %T %v", c.code, err, err)
		}
	}
}

func TestStatusError_NonStatusError_IsBrokerUnavailable(t *testing.T) {
	if err := statusError(errors.New("connection refused"), "broker:1", "", "x"); !errors.Is(err, ErrBrokerUnavailable) {
		t.Fatalf("got %v", err)
	}
}

func TestTimeoutError_IsNetErrorTimeout(t *testing.T) {
	var err error = &TimeoutError{Op: "handshake", What: "no answer"}
	var n net.Error
	if !errors.As(err, &n) || !n.Timeout() || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatal("TimeoutError must be a net.Error with Timeout() and wrap context.DeadlineExceeded")
	}
}
