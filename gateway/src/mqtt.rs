//! MQTT mode: meters sign their own readings and publish them on a broker; the gateway
//! subscribes to its chain's readings topics, checks each message ([`crate::intake`]), queues
//! it in the durable queue and acknowledges it to the meter. The gateway holds no meter key.
//!
//! Delivery is at least once, end to end: the session is persistent (`clean_session = false`,
//! QoS 1), the broker's PUBACK is sent only after the message was handled (a gateway killed in
//! between gets it again), and the meter keeps each reading in its outbox until the gateway's
//! acknowledgement ([`crate::message`]). Copies are harmless: the queue takes a sequence once.

use std::{str::FromStr, sync::Arc, time::Duration};

use anyhow::{anyhow, Context, Result};
use rumqttc::{AsyncClient, Event, MqttOptions, Packet, Publish, QoS};
use tracing::{debug, info, warn};

use crate::{
	intake::{self, ChainView, Refusal},
	message::{self, AckMessage, MAX_MESSAGE_BYTES},
	queue::Queue,
};

/// A broker address: `mqtt://host:port` (or `host:port`; the port defaults to 1883).
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Broker {
	/// Host name or IP address.
	pub host: String,
	/// TCP port.
	pub port: u16,
}

impl FromStr for Broker {
	type Err = anyhow::Error;

	fn from_str(s: &str) -> Result<Self> {
		if ["mqtts://", "ws://", "wss://"].iter().any(|scheme| s.starts_with(scheme)) {
			return Err(anyhow!(
				"{s}: only plain mqtt:// to a broker the gateway runs beside (terminate TLS and \
				 WebSockets for remote meters at the broker)"
			));
		}
		let address = s.strip_prefix("mqtt://").unwrap_or(s).trim_end_matches('/');
		let (host, port) = match address.rsplit_once(':') {
			Some((host, port)) => (host, port.parse().with_context(|| format!("port of {s}"))?),
			None => (address, 1883),
		};
		if host.is_empty() {
			return Err(anyhow!("{s}: no host"));
		}
		Ok(Broker { host: host.to_string(), port })
	}
}

/// The largest packet a client takes from the broker. A larger one would end the connection,
/// and the broker would deliver it again at every reconnection (QoS 1, persistent session): the
/// broker must refuse larger messages (mosquitto: `max_packet_size`, at most this). Messages
/// above [`MAX_MESSAGE_BYTES`] are refused as malformed.
pub const MAX_INCOMING_PACKET: usize = 256 * 1024;

/// The client options both ends use: a persistent session (the broker keeps the subscription
/// and the QoS 1 messages while the client is away); outgoing packets no larger than a reading
/// needs (the topic and the MQTT header fit in the second KiB).
pub fn client_options(client_id: &str, broker: &Broker) -> MqttOptions {
	let mut options = MqttOptions::new(client_id, broker.host.clone(), broker.port);
	options.set_clean_session(false);
	options.set_keep_alive(Duration::from_secs(15));
	options.set_max_packet_size(MAX_INCOMING_PACKET, MAX_MESSAGE_BYTES + 1024);
	options
}

/// Receives the readings of `genesis`'s meters from `broker` until the process ends: checks,
/// queues and acknowledges each. `view` must have been filled from the chain once. Returns an
/// error if the queue fails (the gateway then stops rather than leave messages unacknowledged
/// to the broker, which would stop delivering once its in-flight window is full).
pub async fn run_intake(
	broker: Broker,
	client_id: String,
	genesis: [u8; 32],
	queue: Arc<Queue>,
	view: Arc<ChainView>,
) -> Result<()> {
	if client_id.is_empty() {
		return Err(anyhow!("the MQTT client id may not be empty"));
	}
	let mut options = client_options(&client_id, &broker);
	options.set_manual_acks(true);
	let (client, mut eventloop) = AsyncClient::new(options, 64);
	// The event loop only hands messages over, so it never waits for the client's channel,
	// which it drains itself; the worker handles them in order and acknowledges each. The
	// channel holds at most the broker's in-flight window of QoS 1 messages (each is
	// acknowledged to the broker only once handled); QoS 0 messages are dropped unread.
	let (messages, mut inbox) = tokio::sync::mpsc::unbounded_channel::<Publish>();
	let worker_client = client.clone();
	let mut worker = tokio::spawn(async move {
		while let Some(publish) = inbox.recv().await {
			let ack = handle(&view, &genesis, &queue, &publish.topic, &publish.payload)
				.with_context(|| format!("handling a message on {}", publish.topic))?;
			if let Some(ack) = ack {
				let topic = message::acks_topic(&genesis, ack.meter);
				worker_client.publish(topic, QoS::AtLeastOnce, false, ack.to_bytes()).await?;
			}
			// The broker may forget the message only now that it is handled.
			worker_client.ack(&publish).await?;
		}
		Ok::<_, anyhow::Error>(())
	});
	let filter = message::readings_filter(&genesis);
	info!(host = %broker.host, port = broker.port, %filter, "receiving meter readings over MQTT");
	loop {
		let event = tokio::select! {
			event = eventloop.poll() => event,
			stopped = &mut worker => return match stopped {
				Ok(Err(e)) => Err(e),
				Ok(Ok(())) => Err(anyhow!("the intake worker stopped")),
				Err(e) => Err(anyhow!("the intake worker panicked: {e}")),
			},
		};
		match event {
			Ok(Event::Incoming(Packet::ConnAck(connack))) => {
				info!(session_present = connack.session_present, "connected to the broker");
				let (client, filter) = (client.clone(), filter.clone());
				tokio::spawn(async move {
					if let Err(e) = client.subscribe(filter, QoS::AtLeastOnce).await {
						warn!("could not subscribe: {e}");
					}
				});
			},
			Ok(Event::Incoming(Packet::Publish(publish))) if publish.qos == QoS::AtMostOnce => {
				debug!(topic = %publish.topic, "dropped a QoS 0 message (readings need QoS 1)");
			},
			Ok(Event::Incoming(Packet::Publish(publish))) => {
				messages.send(publish).map_err(|_| anyhow!("the intake worker stopped"))?;
			},
			Ok(_) => {},
			Err(e) => {
				warn!("broker unavailable ({e}); retrying");
				tokio::time::sleep(Duration::from_secs(1)).await;
			},
		}
	}
}

/// Handles one message: the acknowledgement to send, if the gateway now holds the reading.
fn handle(
	view: &ChainView,
	genesis: &[u8; 32],
	queue: &Queue,
	topic: &str,
	payload: &[u8],
) -> Result<Option<AckMessage>> {
	let signed = match intake::check(view, genesis, topic, payload) {
		Ok(signed) => signed,
		Err(refusal) => {
			queue.count_refused(refusal)?;
			warn!(topic, reason = refusal.name(), "refused a message; not sent to the chain");
			return Ok(None);
		},
	};
	let (meter, sequence) = (signed.reading.meter, signed.reading.sequence);
	match queue.enqueue_signed(&signed)? {
		Ok(()) => {
			debug!(meter, sequence, slot = signed.reading.slot, "queued a meter's reading");
			Ok(Some(AckMessage { meter, sequence }))
		},
		Err(Refusal::Replayed) => {
			// A copy of a reading the gateway holds or held (the meter's retry, the broker's
			// redelivery or a replay): acknowledge that reading, send nothing.
			debug!(meter, sequence, "a copy of a held reading; not sent again");
			Ok(Some(AckMessage { meter, sequence }))
		},
		Err(Refusal::OutOfOrder) => {
			debug!(meter, sequence, "an earlier reading is missing; waiting for it");
			Ok(None)
		},
		Err(refusal) => {
			warn!(meter, sequence, reason = refusal.name(), "refused a reading; not sent");
			Ok(None)
		},
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn broker_addresses_parse() {
		let broker = |host: &str, port| Broker { host: host.into(), port };
		assert_eq!("mqtt://127.0.0.1:1884".parse::<Broker>().unwrap(), broker("127.0.0.1", 1884));
		assert_eq!("localhost".parse::<Broker>().unwrap(), broker("localhost", 1883));
		assert_eq!("mqtt://broker.local/".parse::<Broker>().unwrap(), broker("broker.local", 1883));
		assert_eq!("wsbroker.local".parse::<Broker>().unwrap(), broker("wsbroker.local", 1883));
		for bad in ["mqtts://x:8883", "ws://x", "wss://x", "mqtt://:1883", "mqtt://x:port"] {
			assert!(bad.parse::<Broker>().is_err(), "{bad}");
		}
	}
}
