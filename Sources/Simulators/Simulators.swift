// Placeholder so the target builds; replaced by the Simulators implementation.
