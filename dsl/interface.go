package dsl

// Parse parses the .dp program src; filename is used in positions only.
// On syntax errors it returns the declarations it could parse and an
// ErrorList (at most 10 errors, sorted by position).
func Parse(filename string, src []byte) (*File, error) {
	f, errs := parseFile(filename, src)
	return f, errs.Err()
}

// Check resolves and type-checks f, binds its params and computes the
// value interval of every term. params overrides the param defaults. On
// errors it returns a nil Model and an ErrorList (at most 10 errors,
// sorted by position).
func Check(f *File, params map[string]int64) (*Model, error) {
	m, errs := check(f, params)
	if len(errs) > 0 {
		return nil, errs
	}
	return m, nil
}
