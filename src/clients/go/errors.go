package tlsbroker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/tlsbroker/tlsbroker/src/clients/go/tlsbrokerv1"
)

// ErrBrokerUnavailable is wrapped by every error that means the broker could not be reached
// or went away (gRPC UNAVAILABLE): match it with errors.Is.
var ErrBrokerUnavailable = errors.New("tlsbroker: broker unavailable")

// errShutdown is what Write returns after CloseWrite, as crypto/tls does after CloseWrite.
var errShutdown = errors.New("tlsbroker: protocol is shutdown")

// SSL_get_error(3) values, with OpenSSL's numbers.
const (
	sslErrorNone       = int(pb.SslError_SSL_ERROR_NONE)
	sslErrorSSL        = int(pb.SslError_SSL_ERROR_SSL)
	sslErrorWantRead   = int(pb.SslError_SSL_ERROR_WANT_READ)
	sslErrorSyscall    = int(pb.SslError_SSL_ERROR_SYSCALL)
	sslErrorZeroReturn = int(pb.SslError_SSL_ERROR_ZERO_RETURN)
)

// Alert is a TLS alert (RFC 8446 §6) that ended a session.
type Alert struct {
	Description uint8  // AlertDescription code, e.g. 42
	Name        string // RFC name, e.g. "bad_certificate"
	Fatal       bool
	Sent        bool // true when the broker sent it to the server, false when the server sent it
}

func (a Alert) String() string {
	dir := "received"
	if a.Sent {
		dir = "sent"
	}
	level := "warning"
	if a.Fatal {
		level = "fatal"
	}
	return fmt.Sprintf("%s %s alert %s(%d)", dir, level, a.Name, a.Description)
}

// AlertError is a TLS failure the broker reported with an alert, sent or received, and no
// certificate-verification failure (which is a *CertificateVerificationError).
type AlertError struct {
	Op         string // "handshake", "read", "write" or "close"
	Alert      Alert
	SSLError   int    // SSL_get_error(3) value: 1 (SSL_ERROR_SSL) or 5 (SSL_ERROR_SYSCALL)
	Reason     string // OpenSSL-style reason string
	ServerName string
}

func (e *AlertError) Error() string {
	return fmt.Sprintf("tlsbroker: %s with %s failed: %s: %s", e.Op, e.ServerName, e.Alert, e.Reason)
}

// CertificateVerificationError is a failed verification of the server's certificate chain
// (OpenSSL's X509_V_ERR_* code, name and depth), as the broker's policy judged it.
type CertificateVerificationError struct {
	Code       int    // X509_V_ERR_* number, e.g. 62
	Name       string // e.g. "X509_V_ERR_HOSTNAME_MISMATCH"
	Depth      int    // position in the chain, 0 being the server's own certificate
	Reason     string // e.g. "certificate verify failed"
	Alert      *Alert // the alert the broker sent, if any
	ServerName string
}

func (e *CertificateVerificationError) Error() string {
	return fmt.Sprintf("tlsbroker: certificate verification for %s failed: %s (%d) at depth %d: %s",
		e.ServerName, e.Name, e.Code, e.Depth, e.Reason)
}

// SSLError is any other TLS failure the broker reported (ret -1 without alert or verify result).
type SSLError struct {
	Op         string
	SSLError   int // SSL_get_error(3) value
	Reason     string
	ServerName string
}

func (e *SSLError) Error() string {
	return fmt.Sprintf("tlsbroker: %s with %s failed: %s: %s", e.Op, e.ServerName, sslErrorName(e.SSLError), e.Reason)
}

// PermissionError is the broker refusing the caller: the policy is unknown or not granted, the
// server name is outside the policy (PERMISSION_DENIED), or the API key is missing or wrong
// (UNAUTHENTICATED).
type PermissionError struct {
	Unauthenticated bool
	Message         string // the broker's explanation
	Policy          string
	ServerName      string
}

func (e *PermissionError) Error() string {
	if e.Unauthenticated {
		return fmt.Sprintf("tlsbroker: the broker did not authenticate this caller: %s", e.Message)
	}
	return fmt.Sprintf("tlsbroker: the broker refused policy %q for %s: %s", e.Policy, e.ServerName, e.Message)
}

// BrokerError is any other refusal by the broker (a gRPC status: RESOURCE_EXHAUSTED,
// INVALID_ARGUMENT, INTERNAL, ...). Unwrap gives ErrBrokerUnavailable for UNAVAILABLE and
// context.DeadlineExceeded for DEADLINE_EXCEEDED.
type BrokerError struct {
	Code    codes.Code
	Message string
	Target  string // the broker's address, when known
}

func (e *BrokerError) Error() string {
	switch e.Code {
	case codes.Unavailable:
		if e.Target != "" {
			return fmt.Sprintf("tlsbroker: broker unavailable (%s): %s", e.Target, e.Message)
		}
		return fmt.Sprintf("tlsbroker: broker unavailable: %s", e.Message)
	case codes.ResourceExhausted:
		return fmt.Sprintf("tlsbroker: the broker is at a limit: %s", e.Message)
	case codes.DeadlineExceeded:
		return fmt.Sprintf("tlsbroker: the broker's deadline passed: %s", e.Message)
	default:
		return fmt.Sprintf("tlsbroker: the broker refused the request (%s): %s", e.Code, e.Message)
	}
}

func (e *BrokerError) Unwrap() error {
	switch e.Code {
	case codes.Unavailable:
		return ErrBrokerUnavailable
	case codes.DeadlineExceeded:
		return context.DeadlineExceeded
	}
	return nil
}

// Timeout reports DEADLINE_EXCEEDED as a timeout, as net.Error does.
func (e *BrokerError) Timeout() bool { return e.Code == codes.DeadlineExceeded }

// TimeoutError is a wait that outlived its bound: the handshake timeout, the broker timeout or
// a deadline set on the Conn. It is a net.Error whose Timeout() is true, and it wraps
// context.DeadlineExceeded.
type TimeoutError struct {
	Op   string
	Wait time.Duration
	What string
}

func (e *TimeoutError) Error() string {
	if e.Wait > 0 {
		return fmt.Sprintf("tlsbroker: %s: %s within %v", e.Op, e.What, e.Wait)
	}
	return fmt.Sprintf("tlsbroker: %s: %s", e.Op, e.What)
}

func (e *TimeoutError) Unwrap() error   { return context.DeadlineExceeded }
func (e *TimeoutError) Timeout() bool   { return true }
func (e *TimeoutError) Temporary() bool { return true }

// resultError turns a failed ConnectResponse (ret -1 with SSL_ERROR_SSL or SYSCALL) into the
// error a caller can match.
func resultError(op, serverName string, r *pb.ConnectResponse) error {
	code := int(r.GetError())
	if v := r.GetVerify(); v != nil && v.GetCode() != 0 {
		e := &CertificateVerificationError{
			Code: int(v.GetCode()), Name: v.GetName(), Depth: int(v.GetDepth()),
			Reason: r.GetReason(), ServerName: serverName,
		}
		if a := r.GetAlert(); a != nil {
			alert := toAlert(a)
			e.Alert = &alert
		}
		return e
	}
	if a := r.GetAlert(); a != nil {
		return &AlertError{Op: op, Alert: toAlert(a), SSLError: code, Reason: r.GetReason(), ServerName: serverName}
	}
	if code == sslErrorSyscall {
		// SSL_get_error(3): SSL_ERROR_SYSCALL with "unexpected eof while reading" is the peer
		// closing TCP without close_notify, i.e. a truncation attack or a careless peer.
		return fmt.Errorf("tlsbroker: %s with %s: %s: %w", op, serverName, reasonOr(r, "unexpected eof while reading"), io.ErrUnexpectedEOF)
	}
	return &SSLError{Op: op, SSLError: code, Reason: r.GetReason(), ServerName: serverName}
}

func reasonOr(r *pb.ConnectResponse, fallback string) string {
	if r.GetReason() != "" {
		return r.GetReason()
	}
	return fallback
}

func toAlert(a *pb.Alert) Alert {
	return Alert{
		Description: uint8(a.GetDescription()),
		Name:        a.GetName(),
		Fatal:       a.GetLevel() == pb.AlertLevel_ALERT_LEVEL_FATAL,
		Sent:        a.GetSent(),
	}
}

// statusError maps a gRPC failure of the Connect stream to this package's errors.
func statusError(err error, target, policy, serverName string) error {
	if err == nil {
		return nil
	}
	s, ok := status.FromError(err)
	if !ok {
		return &BrokerError{Code: codes.Unavailable, Message: err.Error(), Target: target}
	}
	switch s.Code() {
	case codes.PermissionDenied:
		return &PermissionError{Message: s.Message(), Policy: policy, ServerName: serverName}
	case codes.Unauthenticated:
		return &PermissionError{Unauthenticated: true, Message: s.Message(), Policy: policy, ServerName: serverName}
	}
	return &BrokerError{Code: s.Code(), Message: s.Message(), Target: target}
}

func sslErrorName(code int) string {
	name, ok := pb.SslError_name[int32(code)]
	if !ok {
		return fmt.Sprintf("SSL_ERROR_%d", code)
	}
	return name
}
