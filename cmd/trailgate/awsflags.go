package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go/logging"
	"github.com/spf13/pflag"
)

// awsFlags are the AWS configuration flags of the commands that call AWS
// (collect, smoke): everything else comes from the default chain
// (environment, shared config and credentials files, SSO, IMDS).
type awsFlags struct {
	profile, region string
	// verbose lets the SDK's own log lines (retries, checksum notes,
	// deprecations) through to stderr; without it they are dropped, so
	// that stderr holds trailgate's messages only.
	verbose bool
	// log is where the SDK logs with verbose (the command's stderr).
	log io.Writer
}

// add registers --profile and --region on fl; the help texts say what the
// credentials and the region are for in the command.
func (a *awsFlags) add(fl *pflag.FlagSet, profileHelp, regionHelp string) {
	fl.StringVar(&a.profile, "profile", "", profileHelp)
	fl.StringVar(&a.region, "region", "", regionHelp)
	fl.BoolVar(&a.verbose, "verbose", false, "also print the AWS SDK's own warnings and log lines on stderr")
}

// load builds the aws.Config of the default chain with --profile and
// --region applied over it, and checks that it yields credentials
// (credentials).
func (a *awsFlags) load(ctx context.Context) (aws.Config, error) {
	var loaders []func(*config.LoadOptions) error
	if a.profile != "" {
		loaders = append(loaders, config.WithSharedConfigProfile(a.profile))
	}
	if a.region != "" {
		loaders = append(loaders, config.WithRegion(a.region))
	}
	var logger logging.Logger = logging.Nop{}
	if a.verbose && a.log != nil {
		logger = logging.NewStandardLogger(a.log)
	}
	loaders = append(loaders, config.WithLogger(logger))
	cfg, err := config.LoadDefaultConfig(ctx, loaders...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("AWS configuration: %w", err)
	}
	return cfg, credentials(ctx, cfg)
}

// credentials checks that cfg's chain yields credentials at all. Without
// any (no environment keys, profile, SSO or instance role) a command
// cannot call AWS: a usage problem (exit 2), which smoke must not report
// as a broken pipeline (exit 1).
func credentials(ctx context.Context, cfg aws.Config) error {
	if cfg.Credentials == nil {
		return errors.New("no AWS credentials found (environment, --profile, SSO or instance role)")
	}
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		return fmt.Errorf("no usable AWS credentials (environment, --profile, SSO or instance role): %w", err)
	}
	return nil
}
