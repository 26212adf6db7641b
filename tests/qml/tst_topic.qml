// SPDX-License-Identifier: MIT
import QtQuick
import QtTest
import DropSlot

TestCase {
    id: testCase
    name: "DropSlotTopic"
    when: windowShown

    Component {
        id: topicComponent
        DropSlotTopic {}
    }
    Component {
        id: spyComponent
        SignalSpy {}
    }
    DropSlotBus {
        id: privateBus
    }

    property int serial: 0
    // Every test uses fresh topic names: the default bus is shared by the whole process.
    function uniqueName(tag) {
        return "tst_topic/" + tag + "/" + (++serial)
    }

    function test_publishAndRead() {
        const name = uniqueName("basic")
        const writer = createTemporaryObject(topicComponent, testCase, { name: name })
        const reader = createTemporaryObject(topicComponent, testCase, { name: name })
        verify(!reader.hasValue)
        compare(reader.version, 0)
        compare(reader.value, undefined)
        verify(writer.publish(42))
        tryCompare(reader, "value", 42)
        compare(reader.version, 1)
        verify(reader.hasValue)
        verify(!reader.stale)
    }

    function test_roundTrip_data() {
        return [
            { tag: "integer", value: 7 },
            { tag: "fraction", value: -3.25 },
            { tag: "string", value: "h\u00e9llo \u6e29\u5ea6 \ud83e\udd16" },
            { tag: "bool", value: true },
            { tag: "array", value: [1, "two", [3, { four: 4 }]] },
            { tag: "object", value: { a: 1, b: { c: "d", e: [true, false] } } },
            { tag: "null", value: null },
            { tag: "undefined", value: undefined },
            { tag: "empty string", value: "" },
        ]
    }
    function test_roundTrip(data) {
        const name = uniqueName("roundtrip")
        const writer = createTemporaryObject(topicComponent, testCase, { name: name })
        const reader = createTemporaryObject(topicComponent, testCase, { name: name })
        verify(writer.publish(data.value))
        tryCompare(reader, "version", 1)
        verify(reader.hasValue)
        compare(reader.value, data.value)
        compare(privateBus.latest(name), undefined) // another bus: nothing there
    }

    function test_unsupportedValuesAreRefused() {
        const name = uniqueName("bad")
        const topic = createTemporaryObject(topicComponent, testCase, { name: name })
        verify(topic.publish(1))
        ignoreWarning(/DropSlotTopic.publish to "tst_topic\/bad\/\d+": a function cannot be published/)
        verify(!topic.publish(function() { return 1 }))
        ignoreWarning(/a QObject cannot be published/)
        verify(!topic.publish(topic))
        ignoreWarning(/a QObject cannot be published/)
        verify(!topic.publish({ nested: [testCase] }))
        const cyclic = { label: "loop" }
        cyclic.self = cyclic
        ignoreWarning(/cyclic structure/)
        verify(!topic.publish(cyclic))
        // Nothing was published, and the topic still works.
        tryCompare(topic, "version", 1)
        verify(topic.publish(2))
        tryCompare(topic, "value", 2)
    }

    // Typed holders: assigning a plain object to one of these properties fails, so a value that
    // lost its type on the way through the bus cannot pass.
    QtObject {
        id: typed
        property color color
        property point point
        property rect rect
        property size size
        property date date
        property url url
        property vector3d vector3d
    }

    function test_qtValueTypesRoundTrip_data() {
        return [
            { tag: "color", value: Qt.rgba(1, 0.5, 0, 0.25) },
            { tag: "point", value: Qt.point(1.5, -2) },
            { tag: "rect", value: Qt.rect(1, 2, 30, 40) },
            { tag: "size", value: Qt.size(30, 40.5) },
            { tag: "date", value: new Date(2024, 1, 29, 12, 30) },
            { tag: "url", value: Qt.resolvedUrl("elsewhere.qml") },
            { tag: "vector3d", value: Qt.vector3d(1, 2, 3) },
        ]
    }
    function test_qtValueTypesRoundTrip(data) {
        const name = uniqueName("valuetype")
        const writer = createTemporaryObject(topicComponent, testCase, { name: name })
        const reader = createTemporaryObject(topicComponent, testCase, { name: name })
        verify(writer.publish(data.value))
        verify(writer.publish({ nested: [data.value] }))
        tryCompare(reader, "version", 2)
        typed[data.tag] = reader.value.nested[0]
        compare(typed[data.tag], data.value)
        verify(writer.publish(data.value))
        tryCompare(reader, "version", 3)
        typed[data.tag] = reader.value
        compare(typed[data.tag], data.value)
        compare(String(reader.value), String(data.value))
        compare(privateBus.publish(name, data.value), true)
        typed[data.tag] = privateBus.latest(name)
        compare(typed[data.tag], data.value)
    }

    function test_arrayBufferRoundTrips() {
        const name = uniqueName("bytes")
        const writer = createTemporaryObject(topicComponent, testCase, { name: name })
        const bytes = new Uint8Array([0, 1, 254, 255])
        verify(writer.publish(bytes.buffer))
        tryCompare(writer, "version", 1)
        verify(writer.value instanceof ArrayBuffer)
        compare(Array.from(new Uint8Array(writer.value)), [0, 1, 254, 255])
    }

    function test_objectsThatCannotBeHeldAreRefused_data() {
        class Thermometer { constructor() { this.celsius = 20 } }
        return [
            { tag: "Map", value: new Map([["a", 1]]), what: "a Map" },
            { tag: "Set", value: new Set([1]), what: "a Set" },
            { tag: "WeakMap", value: new WeakMap(), what: "a WeakMap" },
            { tag: "Promise", value: Promise.resolve(1), what: "a Promise" },
            { tag: "Error", value: new Error("boom"), what: "an Error" },
            { tag: "TypeError", value: new TypeError("boom"), what: "a TypeError" },
            { tag: "class instance", value: new Thermometer(), what: "a Thermometer" },
            { tag: "typed array", value: new Uint8Array(4), what: "a Uint8Array" },
            { tag: "String object", value: new String("s"), what: "a String" },
            { tag: "symbol", value: Symbol("s"), what: "a symbol" },
            { tag: "nested Map", value: { inside: [new Map()] }, what: "a Map" },
        ]
    }
    function test_objectsThatCannotBeHeldAreRefused(data) {
        const name = uniqueName("unholdable")
        const topic = createTemporaryObject(topicComponent, testCase, { name: name })
        verify(topic.publish(1))
        ignoreWarning(new RegExp("DropSlotTopic.publish to \"tst_topic/unholdable/\\d+\": "
                                 + data.what + " cannot be published"))
        verify(!topic.publish(data.value))
        ignoreWarning(new RegExp("DropSlotBus.publish to \"held\": " + data.what
                                 + " cannot be published"))
        verify(!privateBus.publish("held", data.value))
        tryCompare(topic, "version", 1)
        compare(topic.value, 1)
    }

    function test_negativeIntervalsAreRefused() {
        const topic = createTemporaryObject(topicComponent, testCase, {
            name: uniqueName("negative"), minimumInterval: 100, staleAfter: 200
        })
        ignoreWarning(/minimumInterval cannot be negative \(-5\); it stays 100/)
        topic.minimumInterval = -5
        compare(topic.minimumInterval, 100)
        ignoreWarning(/staleAfter cannot be negative \(-1\); it stays 200/)
        topic.staleAfter = -1
        compare(topic.staleAfter, 200)
        topic.minimumInterval = 0 // zero is fine
        compare(topic.minimumInterval, 0)
    }

    function test_sparseArrayIsRefused() {
        const name = uniqueName("sparse")
        const topic = createTemporaryObject(topicComponent, testCase, { name: name })
        verify(topic.publish(1))
        const sparse = []
        sparse[4294967294] = 1 // one element, but a length of 2^32 - 1
        ignoreWarning(/DropSlotTopic.publish to "tst_topic\/sparse\/\d+": the value is too large/)
        verify(!topic.publish(sparse))
        ignoreWarning(/DropSlotBus.publish to "sparse": the value is too large/)
        verify(!privateBus.publish("sparse", sparse))
        tryCompare(topic, "version", 1)
        verify(topic.publish([1, 2, 3]))
        tryCompare(topic, "value", [1, 2, 3])
    }

    function test_sharedStructureIsRefusedInBoundedTime() {
        // Acyclic, but each level refers to the one below twice: a deep copy would hold 2^22
        // objects and take seconds.
        const name = uniqueName("shared")
        const topic = createTemporaryObject(topicComponent, testCase, { name: name })
        verify(topic.publish(1))
        let shared = {}
        for (let i = 0; i < 22; ++i)
            shared = { a: shared, b: shared }
        ignoreWarning(/DropSlotTopic.publish to "tst_topic\/shared\/\d+": the value is too large/)
        verify(!topic.publish(shared))
        // Sharing itself is fine while the copy stays small.
        let small = { leaf: true }
        for (let i = 0; i < 4; ++i)
            small = { a: small, b: small }
        verify(topic.publish(small))
        tryCompare(topic, "version", 2)
        compare(topic.value.a.b.a.b.leaf, true)
    }

    function test_deepNestingIsRefused() {
        const name = uniqueName("deep")
        const topic = createTemporaryObject(topicComponent, testCase, { name: name })
        let deep = []
        for (let i = 0; i < 100; ++i)
            deep = [deep]
        ignoreWarning(/DropSlotTopic.publish to "tst_topic\/deep\/\d+": the value is nested too deeply/)
        verify(!topic.publish(deep))
        verify(topic.publish("fine"))
        tryCompare(topic, "value", "fine")
    }

    function test_emptyName() {
        const topic = createTemporaryObject(topicComponent, testCase, {}) // no warning: transient
        compare(topic.name, "")
        verify(!topic.hasValue)
        ignoreWarning(/DropSlotTopic.publish: the topic name is empty/)
        verify(!topic.publish(1))
        topic.name = uniqueName("late")
        verify(topic.publish(1))
        tryCompare(topic, "value", 1)
    }

    function test_nameChangeResubscribes() {
        const a = uniqueName("a"), b = uniqueName("b"), c = uniqueName("c")
        const writer = createTemporaryObject(topicComponent, testCase, { name: a })
        verify(writer.publish("value of a"))
        writer.name = b
        verify(writer.publish("value of b"))
        verify(writer.publish("newer value of b"))
        const reader = createTemporaryObject(topicComponent, testCase, { name: a })
        compare(reader.value, "value of a") // the current value is shown at once
        reader.name = b
        compare(reader.value, "newer value of b")
        compare(reader.version, 2)
        reader.name = c // no value there yet
        verify(!reader.hasValue)
        compare(reader.value, undefined)
        compare(reader.version, 0)
        writer.name = c
        verify(writer.publish("c!"))
        tryCompare(reader, "value", "c!")
    }

    function test_busChange() {
        const name = uniqueName("bus")
        const onDefault = createTemporaryObject(topicComponent, testCase, { name: name })
        const onPrivate = createTemporaryObject(topicComponent, testCase, { name: name, bus: privateBus })
        verify(onDefault.publish("default"))
        verify(onPrivate.publish("private"))
        tryCompare(onDefault, "value", "default")
        tryCompare(onPrivate, "value", "private")
        compare(privateBus.latest(name), "private")
        onDefault.bus = privateBus
        compare(onDefault.value, "private")
        onDefault.bus = null
        compare(onDefault.value, "default")
    }

    function test_inactiveElementsGetNothingUntilReactivated() {
        const name = uniqueName("active")
        const witness = createTemporaryObject(topicComponent, testCase, { name: name })
        const paused = createTemporaryObject(topicComponent, testCase, { name: name, active: false })
        verify(witness.publish(1))
        tryCompare(witness, "value", 1)
        verify(!paused.hasValue)
        verify(witness.publish(2))
        tryCompare(witness, "value", 2)
        compare(paused.version, 0)
        paused.active = true
        compare(paused.value, 2) // the latest, at once
        verify(paused.publish(3)) // an inactive element can still publish
        tryCompare(witness, "value", 3)
    }

    function test_minimumInterval() {
        const name = uniqueName("interval")
        const writer = createTemporaryObject(topicComponent, testCase, { name: name })
        const reader = createTemporaryObject(topicComponent, testCase, { name: name, minimumInterval: 100 })
        const changes = createTemporaryObject(spyComponent, testCase, { target: reader, signalName: "valueChanged" })
        const started = Date.now()
        let i = 0
        while (Date.now() - started < 500) {
            writer.publish(++i)
            wait(2) // lets deliveries happen while publishing continues
        }
        const elapsed = Date.now() - started
        tryCompare(reader, "value", i) // the final value still arrives
        verify(changes.count <= Math.ceil(elapsed / 100) + 2, changes.count + " updates in " + elapsed + " ms")
        verify(changes.count >= 2)
    }

    function test_stale() {
        const name = uniqueName("stale")
        const topic = createTemporaryObject(topicComponent, testCase, { name: name, staleAfter: 80 })
        verify(!topic.stale) // no value yet: never stale
        verify(topic.publish("fresh"))
        tryCompare(topic, "value", "fresh")
        verify(!topic.stale)
        tryCompare(topic, "stale", true)
        verify(topic.publish("fresh again"))
        tryCompare(topic, "stale", false)
        topic.staleAfter = 0
        verify(!topic.stale)
    }

    function test_manyElementsOnOneTopic() {
        const name = uniqueName("many")
        const elements = []
        for (let i = 0; i < 300; ++i)
            elements.push(createTemporaryObject(topicComponent, testCase, { name: name }))
        for (let v = 1; v <= 100; ++v)
            elements[v].publish(v)
        for (let i = 0; i < elements.length; ++i)
            tryCompare(elements[i], "value", 100)
    }

    function test_outsideAWindow() {
        // Elements without a window update once per event-loop turn instead of once per frame.
        const name = uniqueName("nowindow")
        const lonely = createTemporaryObject(topicComponent, null, { name: name })
        verify(lonely.publish("no window"))
        tryCompare(lonely, "value", "no window")
    }

    function test_closedTopic() {
        const name = uniqueName("closed")
        const topic = createTemporaryObject(topicComponent, testCase, { name: name, bus: privateBus })
        verify(topic.publish(1))
        tryCompare(topic, "value", 1)
        verify(privateBus.removeTopic(name))
        ignoreWarning(/DropSlotTopic.publish to "tst_topic\/closed\/\d+": the topic is closed/)
        verify(!topic.publish(2))
        compare(topic.value, 1) // keeps its last value
        verify(!privateBus.removeTopic(name))
    }

    function test_busPublishWarnings() {
        ignoreWarning(/DropSlotBus.publish: the topic name is empty/)
        verify(!privateBus.publish("", 1))
        ignoreWarning(/DropSlotBus.publish to "x": a function cannot be published/)
        verify(!privateBus.publish("x", function() {}))
        verify(privateBus.publish("x", { ok: true }))
        compare(privateBus.latest("x"), { ok: true })
        verify(privateBus.topicNames().indexOf("x") >= 0)
        compare(privateBus.valueType, "QVariant")
    }
}
