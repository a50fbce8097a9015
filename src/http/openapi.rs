//! The API description at `/api/v1/openapi.json`, built from the handlers' annotations.

use actix_web::HttpResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{accounts, applications, public};

#[derive(OpenApi)]
#[openapi(
    info(title = "signboard", description = "蒙汉双语牌匾审批服务 — bilingual sign approval"),
    paths(
        public::healthz,
        accounts::register,
        accounts::login,
        accounts::me,
        accounts::change_password,
        accounts::create_official,
        accounts::list_users,
        accounts::update_user,
        accounts::reset_password,
        accounts::user_events,
        applications::submit,
        applications::list,
        applications::detail,
        applications::transition,
        applications::attachment,
        applications::revision_preview,
        public::check,
        public::preview,
        public::rules,
        public::approval_stats,
        serve,
    ),
    components(schemas(
        crate::spec::SignSpec,
        crate::spec::Layout,
        crate::spec::Block,
        crate::stats::YearDetail,
    )),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "public",
    responses((status = 200, description = "this description")))]
pub async fn serve() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
