//! The practice site: a simulated Atlassian site on 127.0.0.1 for practice mode and tests.
// PLACEHOLDER: the practice helper owns this folder.
