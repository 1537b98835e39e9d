// Package peerio is what the Go peers of the interop suite share: the JSON request read from
// stdin, the record shape every peer reports, and the one JSON answer on stdout (an error
// answer exits 1). Same protocol as peers/peer.py.
package peerio

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// Rec is a record as the interop tests compare it; strings are UTF-8 text, nil is null.
type Rec struct {
	Topic     string       `json:"topic,omitempty"`
	Partition *int32       `json:"partition,omitempty"`
	Offset    *int64       `json:"offset,omitempty"`
	Timestamp *int64       `json:"timestamp"`
	Key       *string      `json:"key"`
	Value     *string      `json:"value"`
	Headers   [][2]*string `json:"headers"`
}

// Job is one topic to write in one codec.
type Job struct {
	Topic   string `json:"topic"`
	Codec   string `json:"codec"`
	Records []Rec  `json:"records"`
}

// Request is every op's request; each op reads the fields it needs.
type Request struct {
	Op        string         `json:"op"`
	Bootstrap string         `json:"bootstrap"`
	Jobs      []Job          `json:"jobs"`
	Topics    map[string]int `json:"topics"`
	Group     *string        `json:"group"`
	TimeoutMs int64          `json:"timeoutMs"`
	Prefix    string         `json:"prefix"`
	Extra     map[string]any `json:"extra"`
}

// Bytes turns a nullable string into a nullable byte slice.
func Bytes(s *string) []byte {
	if s == nil {
		return nil
	}
	return []byte(*s)
}

// Str turns a nullable byte slice into a nullable string.
func Str(b []byte) *string {
	if b == nil {
		return nil
	}
	s := string(b)
	return &s
}

// Step is one reported call of a scenario: the test decides what is right.
type Step struct {
	OK     bool   `json:"ok"`
	Result any    `json:"result,omitempty"`
	Error  string `json:"error,omitempty"`
}

// Report collects a scenario's steps by name.
type Report map[string]Step

// Do runs fn and records its result or error under name.
func (r Report) Do(name string, fn func() (any, error)) any {
	res, err := fn()
	if err != nil {
		r[name] = Step{OK: false, Error: err.Error()}
		return nil
	}
	r[name] = Step{OK: true, Result: res}
	return res
}

// Serve reads one request, runs its op and prints the answer.
func Serve(ops map[string]func(Request) (any, error)) {
	raw, err := io.ReadAll(os.Stdin)
	if err != nil {
		fail(err)
	}
	var req Request
	if err := json.Unmarshal(raw, &req); err != nil {
		fail(err)
	}
	op, ok := ops[req.Op]
	if !ok {
		fail(fmt.Errorf("unknown op %q", req.Op))
	}
	res, err := op(req)
	if err != nil {
		fail(err)
	}
	if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
		fail(err)
	}
}

func fail(err error) {
	_ = json.NewEncoder(os.Stdout).Encode(map[string]string{"error": err.Error()})
	os.Exit(1)
}
