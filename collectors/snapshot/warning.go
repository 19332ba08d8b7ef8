package snapshot

// Warning is something a collector read but doubts: input AWS may accept
// yet that is probably not what its author meant (a resource type no
// service has, a --param no template declares). It never stops a run.
type Warning struct {
	// File and Line locate it; Line is 0 when the warning is about the
	// whole file, File empty when it is about the command line.
	File string
	Line int
	// Address is the logical ID or Terraform address concerned, if any.
	Address string
	Msg     string
}

// String is FILE:LINE: ADDRESS: MESSAGE, as errors are spelled.
func (w Warning) String() string {
	if w.File == "" {
		return w.Msg
	}
	return ErrorText(w.File, w.Line, w.Address, w.Msg)
}
