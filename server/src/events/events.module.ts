import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SocketSessions } from '../auth/socket-sessions.js';
import { PgNotificationListener } from './pg-notification-listener.js';
import { RunEventEntity } from './run-event.entity.js';
import { RunEventRelay } from './run-event-relay.js';
import { RunEventStore } from './run-event-store.js';
import { RunEventsGateway } from './run-events.gateway.js';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([RunEventEntity])],
  providers: [PgNotificationListener, RunEventStore, RunEventRelay, RunEventsGateway, SocketSessions],
  exports: [PgNotificationListener, RunEventStore, RunEventRelay],
})
export class EventsModule {}
