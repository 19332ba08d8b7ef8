package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/trailgate/trailgate/collectors/fileio"
)

// externalIDEnv names the environment variable that may hold the external
// ID, so that it need not be on the command line, where every user of the
// machine can read it (ps, /proc/PID/cmdline) and shell history keeps it.
const externalIDEnv = "TRAILGATE_EXTERNAL_ID"

// externalID resolves the external ID from, in order: the flag's value,
// the file named by --external-id-file (its content, surrounding
// whitespace trimmed), the environment variable. Giving both the flag and
// the file is a usage error; an empty file is too.
func externalID(ctx context.Context, flagValue, file string) (string, error) {
	if flagValue != "" && file != "" {
		return "", usagef("give --external-id or --external-id-file, not both")
	}
	if flagValue != "" {
		return flagValue, nil
	}
	if file != "" {
		data, err := fileio.ReadFile(ctx, file, fileio.MaxSecretBytes, "an external ID file")
		if err != nil {
			return "", fmt.Errorf("--external-id-file: %w", err)
		}
		id := strings.TrimSpace(string(data))
		if id == "" || strings.ContainsAny(id, "\r\n") {
			return "", usagef("--external-id-file %s: want one line holding the external ID", file)
		}
		return id, nil
	}
	return os.Getenv(externalIDEnv), nil
}
