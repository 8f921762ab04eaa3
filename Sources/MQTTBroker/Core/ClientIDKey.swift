/// A client id as a dictionary key compared byte for byte. `String` equality is canonical
/// equivalence, under which two different ids ("é" composed and decomposed) would share a session;
/// the spec and Mosquitto compare the bytes.
struct ClientIDKey: Hashable {
    let id: String

    init(_ id: String) { self.id = id }

    static func == (lhs: ClientIDKey, rhs: ClientIDKey) -> Bool {
        lhs.id.utf8.elementsEqual(rhs.id.utf8)
    }

    func hash(into hasher: inout Hasher) {
        for byte in id.utf8 { hasher.combine(byte) }
    }
}

extension String {
    /// Byte-wise equality, for client ids.
    func sameBytes(as other: String) -> Bool { utf8.elementsEqual(other.utf8) }
}
