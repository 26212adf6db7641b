// SPDX-License-Identifier: MIT
import QtQuick
import DropSlot
import Dashboard

// One sensor: its newest reading (updated at most once per frame), a sparkline of recent
// readings, and a dot that turns amber when the sensor has gone quiet.
Rectangle {
    id: tile

    required property string name
    required property DropSlotBus sensorBus
    readonly property alias topic: topic

    radius: 3
    color: topic.stale ? "#3b2f22" : "#1c2430"
    border.color: topic.stale ? "#d99a3e" : "#2c3a4a"

    DropSlotTopic {
        id: topic
        name: tile.name
        bus: tile.sensorBus
        staleAfter: 1500
    }

    Text {
        x: 5
        y: 3
        width: tile.width - 16
        text: tile.name.slice(6).replace("line", "L")
        color: "#8b9bb0"
        font.pixelSize: 9
        elide: Text.ElideLeft
    }
    Rectangle {
        x: tile.width - 9
        y: 5
        width: 5
        height: 5
        radius: 2.5
        color: !topic.hasValue ? "#555" : topic.stale ? "#f0a020" : "#3ddc84"
    }
    Text {
        objectName: "tileValue"
        x: 5
        y: 14
        text: topic.hasValue ? topic.value.toFixed(1) : "–"
        color: topic.stale ? "#d99a3e" : "#e8eef6"
        font.pixelSize: 15
        font.bold: true
    }
    Sparkline {
        x: 4
        y: tile.height - 20
        width: tile.width - 8
        height: 17
        value: topic.hasValue ? topic.value : 0
        minimum: 5
        maximum: 95
        color: topic.stale ? "#d99a3e" : "#6fcf97"
        fillColor: tile.color
    }
}
