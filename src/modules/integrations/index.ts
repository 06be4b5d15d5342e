export { IntegrationsModule } from './integrations.module';
export { AUTH0_LOG_STREAM_ROUTE, createLogStreamBodyMiddleware } from './auth0/http/log-stream-body.middleware';
