package tlsbroker_test

import (
	"encoding/json"
	"fmt"
	"os"
	"sync"
)

// environment is the conformance environment file (tests/conformance/README.md).
type environment struct {
	Broker            brokerEntry     `json:"broker"`
	DoomedBroker      brokerEntry     `json:"doomedBroker"`
	UnreachableBroker brokerEntry     `json:"unreachableBroker"`
	CAFile            string          `json:"caFile"`
	Policies          policies        `json:"policies"`
	Peers             map[string]peer `json:"peers"`
}

type brokerEntry struct {
	Target          string `json:"target"`
	URL             string `json:"url"`
	MaxMessageBytes int    `json:"maxMessageBytes"`
	PID             int    `json:"pid"`
}

type policies struct {
	Default   string `json:"default"`
	TLS13Only string `json:"tls13Only"`
	Unknown   string `json:"unknown"`
}

type peer struct {
	Host            string   `json:"host"`
	Port            int      `json:"port"`
	ServerName      string   `json:"serverName"`
	OfferALPN       []string `json:"offerAlpn"`
	ExpectALPN      string   `json:"expectAlpn"`
	ExpectVersion   string   `json:"expectVersion"`
	HelloPath       string   `json:"helloPath"`
	HelloBody       string   `json:"helloBody"`
	BigPath         string   `json:"bigPath"`
	BigSize         int64    `json:"bigSize"`
	BigSHA256       string   `json:"bigSha256"`
	ExpectAlert     int      `json:"expectAlert"`
	ExpectAlertName string   `json:"expectAlertName"`
	ExpectVerify    int      `json:"expectVerifyCode"`
	ExpectVerifyNm  string   `json:"expectVerifyName"`
	Greeting        string   `json:"greeting"`
}

func (p peer) addr() string { return fmt.Sprintf("%s:%d", p.Host, p.Port) }

func loadEnvironment() (*environment, error) {
	path := os.Getenv("TLSBROKER_CONFORMANCE")
	if path == "" {
		return nil, fmt.Errorf("TLSBROKER_CONFORMANCE is not set: run ./run-conformance, which starts the " +
			"conformance host (brokers and real TLS peers on 127.0.0.1) and runs these tests in it")
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the conformance environment file: %w", err)
	}
	env := &environment{}
	if err := json.Unmarshal(raw, env); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", path, err)
	}
	for _, name := range []string{"nginx", "echo", "sink", "tls12Only", "wrongName", "closeWithoutNotify", "silent"} {
		if _, ok := env.Peers[name]; !ok {
			return nil, fmt.Errorf("%s names no peer %q", path, name)
		}
	}
	return env, nil
}

var resultsMu sync.Mutex

// recordResult appends one line to $TLSBROKER_CONFORMANCE_RESULTS, when set.
func recordResult(caseID string, err error) error {
	path := os.Getenv("TLSBROKER_CONFORMANCE_RESULTS")
	if path == "" {
		return nil
	}
	line := map[string]string{"client": "go", "case": caseID, "outcome": "pass"}
	if err != nil {
		line["outcome"] = "fail"
		line["detail"] = err.Error()
	}
	data, _ := json.Marshal(line)
	resultsMu.Lock()
	defer resultsMu.Unlock()
	f, ferr := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if ferr != nil {
		return ferr
	}
	defer f.Close()
	_, ferr = f.Write(append(data, '\n'))
	return ferr
}
