package smoke

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// LogKind names what a log object holds.
type LogKind string

const (
	// LogCloudTrail is a CloudTrail log file: {"Records":[…]}.
	LogCloudTrail LogKind = "cloudtrail"
	// LogCloudTrailDigest is a CloudTrail digest file (log file
	// validation); it holds no events.
	LogCloudTrailDigest LogKind = "cloudtrail-digest"
	// LogGuardDuty is a GuardDuty findings export: one finding per line.
	LogGuardDuty LogKind = "guardduty"
	// LogCanary is trailgate's own canary object.
	LogCanary LogKind = "trailgate-canary"
)

// LogSummary is what reading one log object showed.
type LogSummary struct {
	Kind LogKind `json:"kind"`
	// Gzip is true when the object was gzip-compressed, as CloudTrail and
	// GuardDuty always write it.
	Gzip bool `json:"gzip"`
	// Records counts CloudTrail events or GuardDuty findings.
	Records int `json:"records"`
	// Newest is the latest eventTime (CloudTrail) or updatedAt (GuardDuty).
	Newest time.Time `json:"newest,omitzero"`
	// Bytes is the uncompressed size.
	Bytes int64 `json:"bytes"`
}

// MaxLogBytes bounds the uncompressed size read from one object: CloudTrail
// delivers files of a few MB at most, so anything far larger is not a log
// file, and reading it whole would only exhaust memory.
const MaxLogBytes = 512 << 20

// ParseLog reads a log object: gunzips it when it is gzip (by its magic
// bytes, not its name or Content-Encoding, which writers set unevenly), and
// tells CloudTrail log files, digest files and GuardDuty JSON-lines exports
// apart by content.
func ParseLog(r io.Reader) (LogSummary, error) {
	var s LogSummary
	br := bufio.NewReader(r)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return s, fmt.Errorf("gzip: %w", err)
		}
		defer zr.Close()
		s.Gzip = true
		r = zr
	} else {
		r = br
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxLogBytes+1))
	if err != nil {
		if s.Gzip {
			return s, fmt.Errorf("gzip: %w", err)
		}
		return s, err
	}
	if len(data) > MaxLogBytes {
		return s, fmt.Errorf("larger than %d MiB uncompressed: not a log file", MaxLogBytes>>20)
	}
	s.Bytes = int64(len(data))
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return s, errors.New("empty object")
	}
	var top struct {
		Records *[]struct {
			EventTime string `json:"eventTime"`
		} `json:"Records"`
		DigestEndTime string `json:"digestEndTime"`
		Trailgate     string `json:"trailgateCanary"`
	}
	firstErr := json.Unmarshal(data, &top)
	switch {
	case firstErr == nil && top.Trailgate != "":
		s.Kind = LogCanary
		return s, nil
	case firstErr == nil && top.Records != nil:
		s.Kind = LogCloudTrail
		for i, rec := range *top.Records {
			t, err := time.Parse(time.RFC3339, rec.EventTime)
			if err != nil {
				return s, fmt.Errorf("CloudTrail Records[%d].eventTime %q: not an ISO 8601 time", i, rec.EventTime)
			}
			s.Records++
			if t.After(s.Newest) {
				s.Newest = t
			}
		}
		return s, nil
	case firstErr == nil && top.DigestEndTime != "":
		s.Kind = LogCloudTrailDigest
		return s, nil
	}
	// GuardDuty exports findings as JSON lines
	// (https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_exportfindings.html).
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		var f struct {
			SchemaVersion string `json:"schemaVersion"`
			ID            string `json:"id"`
			Type          string `json:"type"`
			UpdatedAt     string `json:"updatedAt"`
		}
		if err := dec.Decode(&f); err == io.EOF {
			break
		} else if err != nil {
			if s.Records == 0 {
				return s, fmt.Errorf("neither a CloudTrail log file nor GuardDuty findings: %v", err)
			}
			return s, fmt.Errorf("GuardDuty finding %d: %v", s.Records+1, err)
		}
		if f.SchemaVersion == "" || f.ID == "" || f.Type == "" {
			if s.Records == 0 {
				return s, errors.New("neither a CloudTrail log file ({\"Records\":[…]}) nor GuardDuty findings (schemaVersion, id, type)")
			}
			return s, fmt.Errorf("GuardDuty finding %d lacks schemaVersion, id or type", s.Records+1)
		}
		s.Kind = LogGuardDuty
		s.Records++
		if t, err := time.Parse(time.RFC3339, f.UpdatedAt); err == nil && t.After(s.Newest) {
			s.Newest = t
		}
	}
	return s, nil
}
