//! Placeholder; the owner of this suite fills it in.
