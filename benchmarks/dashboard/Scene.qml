// SPDX-License-Identifier: MIT
import QtQuick
import DropSlot

// The benchmark's screen: a Repeater of sensor tiles. The same tiles are fed either by a
// DropSlotTopic each, on a typed Bus<double>, or by a list model that queued signals update.
Window {
    id: scene

    // "dropslot" or "queued"
    required property string feed
    required property var sensorNames
    required property DropSlotBus sensorBus
    property var sensorModel: null

    width: 1280
    height: 840
    visible: true
    color: "#11161d"
    title: "Dashboard benchmark"

    Text {
        x: 12
        height: 44
        verticalAlignment: Text.AlignVCenter
        text: (scene.feed === "dropslot" ? "DropSlotTopic" : "queued signals + list model")
              + " — " + scene.sensorNames.length + " sensors"
        color: "#e8eef6"
        font.pixelSize: 17
        font.bold: true
    }

    // One of the two Repeaters has the tiles, the other no model.
    Grid {
        x: 8
        y: 44
        columns: 16
        spacing: 0
        Repeater {
            model: scene.feed === "dropslot" ? scene.sensorNames : 0
            delegate: Tile {
                id: tile
                required property string modelData
                readonly property alias topic: topic
                readonly property DropSlotBus sensorBus: scene.sensorBus
                name: modelData
                hasValue: topic.hasValue
                value: topic.hasValue ? topic.value : 0
                DropSlotTopic {
                    id: topic
                    name: tile.modelData
                    bus: tile.sensorBus
                }
            }
        }
        Repeater {
            model: scene.feed === "queued" ? scene.sensorModel : 0
            delegate: Tile {
                required property string sensorName
                required property real reading
                required property bool hasReading
                name: sensorName
                hasValue: hasReading
                value: reading
            }
        }
    }
}
