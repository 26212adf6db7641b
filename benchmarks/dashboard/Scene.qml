// SPDX-License-Identifier: MIT
import QtQuick
import DropSlot

// The benchmark's screen: a Repeater of sensor tiles. The same tiles are fed either by a
// DropSlotTopic each, on a typed Bus<double>, or by a list model that queued signals update.
Window {
    id: window

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
        text: (window.feed === "dropslot" ? "DropSlotTopic" : "queued signals + list model")
              + " — " + window.sensorNames.length + " sensors"
        color: "#e8eef6"
        font.pixelSize: 17
        font.bold: true
    }

    Grid {
        x: 8
        y: 44
        columns: 16
        spacing: 4
        Repeater {
            model: window.feed === "dropslot" ? window.sensorNames : window.sensorModel
            delegate: window.feed === "dropslot" ? dropSlotTile : queuedTile
        }
    }

    Component {
        id: dropSlotTile
        Tile {
            id: tile
            required property string modelData
            readonly property alias topic: topic
            name: modelData
            hasValue: topic.hasValue
            value: topic.hasValue ? topic.value : 0
            DropSlotTopic {
                id: topic
                name: tile.modelData
                bus: window.sensorBus
            }
        }
    }

    Component {
        id: queuedTile
        Tile {
            required property string sensorName
            required property real reading
            required property bool hasReading
            name: sensorName
            hasValue: hasReading
            value: reading
        }
    }
}
