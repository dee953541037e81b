import Foundation

/// The permission bits of a secret file when its group or others may access it (mode & 0o077 != 0),
/// or nil when only its owner can: a secret file must be `chmod 600` (SPEC §3.3).
func exposedPermissions(ofSecretFile path: String) -> Int? {
    #if os(Windows)
        // NTFS access comes from ACLs, not POSIX mode bits; Foundation reports a synthetic mode that would make
        // every file look exposed. The install directory's ACL is what protects a secret file on Windows.
        return nil
    #else
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue
        else { return nil }
        return mode & 0o077 == 0 ? nil : mode & 0o777
    #endif
}
