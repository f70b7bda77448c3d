import FuzzSupport

runFuzzer { fuzz($0!, $1) }
