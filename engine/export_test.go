package engine

// SetTestHookStateWrite sets the function called at each stage of saving
// a state (see testHookStateWrite).
func SetTestHookStateWrite(fn func(stage string)) { testHookStateWrite = fn }
