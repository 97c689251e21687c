/// Which layout of an end state the learner built: the exercise asked for, or one of its variants (the book's
/// 2nd edition puts the chapter 4 bridge in a namespace `bridge`, the 1st edition in the root namespace; a reader
/// of either edition types either id). Read only and cheap: one snapshot per namespace the layouts name.
public enum LayoutMatch {
    /// How much of `exercise`'s layout exists: one point per namespace it lists that exists, one per link it
    /// declares that is found in the namespace it declares it in (by name: kind, state and peer are the
    /// checks' business).
    public static func score(_ exercise: Exercise, in world: World) -> Int {
        let namespaces = exercise.namespaces.filter { world.place($0) != nil }.count
        let links = exercise.links.filter { world.place($0.namespace)?.snapshot.link(named: $0.name) != nil }.count
        return namespaces + links
    }

    /// The layout to grade: `asked`, unless a variant scores strictly higher (then the first such, in the order
    /// given). Nothing built yet, or as much of one layout as of the other: the exercise asked for.
    public static func choose(_ asked: Exercise, variants: [Exercise]) -> Exercise {
        guard !variants.isEmpty else { return asked }
        let names = Set(([asked] + variants).flatMap(\.namespaces))
        let world = World(namespaces: names.sorted())
        var best = asked, bestScore = score(asked, in: world)
        for variant in variants {
            let s = score(variant, in: world)
            if s > bestScore { best = variant; bestScore = s }
        }
        return best
    }
}
