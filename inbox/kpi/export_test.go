package kpi

// RollLock is the roll lock's advisory key, for the tests that hold it.
const RollLock = rollLock
