// Package peerio is what the Go peers of the interop suite share: the JSON request read from
// stdin, the record shape every peer reports, and the one JSON answer on stdout (an error
// answer exits 1). Same protocol as peers/peer.py.
package peerio

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"
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

// ErrText is an error as the report shows it: its text, or null for none.
func ErrText(err error) *string {
	if err == nil {
		return nil
	}
	s := err.Error()
	return &s
}

// Ptr is a pointer to a copy of s (config values are nullable strings).
func Ptr(s string) *string { return &s }

// TopicNames is the topics of a consume request, sorted.
func TopicNames(topics map[string]int) []string {
	names := make([]string, 0, len(topics))
	for t := range topics {
		names = append(names, t)
	}
	sort.Strings(names)
	return names
}

// Consume answers the consume op with what consumeFrom read (bootstrap, expected counts per
// topic, the group or nil, and the deadline: the request's timeoutMs, 30 s when not given).
func Consume(req Request, consumeFrom func(bootstrap string, topics map[string]int, group *string, timeout time.Duration) ([]Rec, error)) (any, error) {
	timeout := time.Duration(req.TimeoutMs) * time.Millisecond
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	recs, err := consumeFrom(req.Bootstrap, req.Topics, req.Group, timeout)
	if err != nil {
		return nil, err
	}
	return map[string]any{"records": recs}, nil
}

// SortedValues is the values of recs, sorted (the read_committed check of the scenario).
func SortedValues(recs []Rec) []string {
	values := []string{}
	for _, r := range recs {
		values = append(values, *r.Value)
	}
	sort.Strings(values)
	return values
}

// Mine keeps the topics named prefix-* of a listing: the scenario's own, not a neighbour's.
func Mine(prefix string, partitions map[string]int) map[string]int {
	out := map[string]int{}
	for name, n := range partitions {
		if strings.HasPrefix(name, prefix+"-") {
			out[name] = n
		}
	}
	return out
}
