//! Tone scoring (placeholder until the tone model lands).
